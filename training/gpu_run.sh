#!/bin/bash
# A lent GPU machine's run (docs/model.md, "Training on what the OCR reads"): train `large` (random
# start) and `e5-gpu` (the e5 start, from a saved state) side by side on the digital and the OCR'd
# scan token datasets — same data, same minutes — export both, copy them to $OUT (a/, b/).
# The kit folder beside this script: nianbao-*.whl, seqeval/ (pure Python, missing there),
# data.tar.gz (dig0/tokens, ocr2801/tokens), e5start.pt (`nianbao train --save-init`).
# The machine has torch, transformers, onnx(runtime), pyarrow but not `datasets` (train.py reads
# the saved Arrow files without it). Tested end to end on the CPU with tiny configs first.
# usage: bash KIT/gpu_run.sh EPOCHS SCAN_WEIGHT MAX_MINUTES [DEVICE] [CONFIG_A] [CONFIG_B]
set -o pipefail
EPOCHS=$1; W=$2; MM=$3; DEV=${4:-cuda}; CA=${5:-large}; CB=${6:-e5-gpu}
OUT=${OUT:-/tmp/out28}; mkdir -p $OUT/a $OUT/b
HERE=$(cd $(dirname $0) && pwd)
SITE=${SITE:-/tmp/site28}
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target $SITE $HERE/nianbao-*.whl || exit 3
cp -r $HERE/seqeval $SITE/
export PYTHONPATH=$SITE:${EXTRA_PATH:-} PYTHONUNBUFFERED=1
DATA=${DATA:-/tmp/data28}; mkdir -p $DATA && tar xzf $HERE/data.tar.gz -C $DATA || exit 4
cd $DATA  # not the repo root: its nianbao/ folder would shadow the installed package
(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv; nproc; python3 -c "import torch,transformers;print(torch.__version__, transformers.__version__, torch.cuda.is_available())") 2>&1 | tee $OUT/hw.txt
t0=$(date +%s)
job() {  # name config init
  python3 -m nianbao.cli train --data $DATA/dig0 --data $DATA/ocr2801:$W --config $2 $3 --epochs $EPOCHS \
    --max-minutes $MM --device $DEV --out $DATA/$1 2>&1 | grep -v "loss [0-9.]* ([0-9.]* min)$" > $OUT/$1/train.log
  echo "wall $(( $(date +%s) - t0 )) s" >> $OUT/$1/train.log
  cp $DATA/$1/model.onnx $DATA/$1/metrics.json $OUT/$1/
}
job a $CA "" &
if [ -f $HERE/e5start.pt ]; then job b $CB "--init state:$HERE/e5start.pt" & fi
wait
cp $DATA/a/vocab.txt $OUT/
tail -n 4 $OUT/a/train.log $OUT/b/train.log
ls -la $OUT $OUT/a $OUT/b
