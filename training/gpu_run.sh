#!/bin/bash
# The lent GPU machine's whole run (docs/model.md, "A GPU kit"), from the repository root there:
#
#     bash training/gpu_run.sh [--tiny] [KIT]        # KIT: made here by training/gpu_kit.sh (default data/kit)
#
# Three models on the same data, same epochs, same minutes, trained side by side on the one GPU:
#   large   the shipped recipe (4 × 256, random start)
#   e5      recipe e5-gpu (3 × 384) from the multilingual-e5 start (KIT/e5start.pt, `train --save-init`)
#   random  recipe e5-gpu from a random start: the e5 start's only rival at equal shape and budget
# then every model — the shipped one too — scored per kind (eval.token_f1) on the test splits of
# KIT's datasets; results to $OUT: f1.md, f1.json, log.txt, large/e5/random.tar.gz (the model
# directories). The device tool brings back at most 8 files of ≤ 16 MiB, hence the tarballs.
# Wall time on the machine: the training minutes (MM) + ~1 min (copying, export, scoring).
#
# Why the kit and not the .venv: the .venv (3.8 GB) cannot travel (64 MiB), and the machine lacks
# the synthesiser's and the OCR's packages (reportlab, pypdfium2, rapidocr, the CJK fonts), so the
# datasets are built here and travel as a 10-20 MB tarball; the machine has torch, transformers,
# onnx, onnxruntime, pyarrow, numpy, PyYAML. The package is laid out from this checkout into a
# site folder (the repo root's nianbao/ lacks the stages it maps in: pyproject's package-dir).
# --tiny: the same run on the CPU in a minute or two (tests/test_gpu_kit.py runs it).
set -o pipefail
TINY=0
if [ "$1" = --tiny ]; then TINY=1; shift; fi
REPO=$(cd "$(dirname "$0")/.." && pwd)
KIT=$(cd "${1:-$REPO/data/kit}" 2>/dev/null && pwd) || { echo "gpu_run: no kit folder ${1:-data/kit} (make it with training/gpu_kit.sh)"; exit 2; }
OUT=${OUT:-/tmp/out28}; mkdir -p "$OUT"
PY=${PY:-python3}
WORK=${WORK:-$(mktemp -d /tmp/gpu28.XXXXXX)}
if [ $TINY = 1 ]; then
  EPOCHS=${EPOCHS:-1}; MM=${MM:-0.5}; DEV=${DEV:-cpu}; CA=${CA:-tiny}
else
  # the learning rate decays to zero at the last epoch: fit EPOCHS to the minutes (MM guards them).
  # Planned from the H100 session (2 runs side by side: ~13 steps/s) for 3 runs on an H200: ~15
  # epochs of ~2,500 pages in ~6 min; if log.txt says "budget", give fewer epochs next time
  EPOCHS=${EPOCHS:-15}; MM=${MM:-6}; DEV=${DEV:-cuda}; CA=${CA:-large}
fi
CB=e5-gpu
LOG=$OUT/log.txt
: > "$LOG"
say() { echo "[gpu_run $(date -u +%H:%M:%S)] $*" | tee -a "$LOG"; }
T0=$(date +%s)

SITE=$WORK/site
mkdir -p "$SITE"
cp -r "$REPO/nianbao" "$SITE/nianbao"
for d in ocr model reconcile training annotations eval; do cp -r "$REPO/$d" "$SITE/nianbao/$d"; done
# seqeval (pure Python) is the one training package the machine lacks
[ -d "$KIT/seqeval" ] && cp -r "$KIT/seqeval" "$SITE/"
export PYTHONPATH=$SITE${EXTRA_PATH:+:$EXTRA_PATH} PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
mkdir -p "$WORK/data" && tar xzf "$KIT/data.tar.gz" -C "$WORK/data" || { say "no data in $KIT/data.tar.gz"; exit 4; }
SRC=$(cat "$KIT/sources.txt") || exit 4   # the --data the e5 start was made for (its vocabulary)
cd "$WORK/data"   # the sources are relative to it (sources.txt)

{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 | head -3; echo "cpus $(nproc)"
  "$PY" -c "import torch, transformers, onnxruntime, seqeval, nianbao.training.train
print('torch', torch.__version__, 'transformers', transformers.__version__, 'cuda', torch.cuda.is_available())"
} >> "$LOG" 2>&1 || { say "the environment cannot train (above)"; exit 3; }
say "kit $KIT; sources: $SRC; epochs $EPOCHS, at most $MM min each, device $DEV"

job() {  # name config init-option
  "$PY" -m nianbao.cli train $SRC --config "$2" $3 --epochs "$EPOCHS" --max-minutes "$MM" --device "$DEV" \
    --seed 0 --out "$WORK/$1" > "$WORK/$1.log" 2>&1
  echo "exit $? after $(( $(date +%s) - T0 )) s" >> "$WORK/$1.log"
}
job large "$CA" "" &
if [ -f "$KIT/e5start.pt" ]; then job e5 $CB "--init state:$KIT/e5start.pt" & else say "no e5start.pt: e5 not trained"; fi
job random $CB "--init random" &
wait
for m in large e5 random; do
  [ -f "$WORK/$m.log" ] || continue
  echo "== $m" >> "$LOG"
  grep -v "loss [0-9.]* ([0-9.]* min)$" "$WORK/$m.log" | tail -n 25 >> "$LOG"
done
say "trained"

MODELS="--model shipped=default"
for m in large e5 random; do [ -f "$WORK/$m/model.onnx" ] && MODELS="$MODELS --model $m=$WORK/$m"; done
SETS=""
for d in eval ocr real dig; do
  [ -d "$d/tokens" ] || continue
  SETS="$SETS $d"
  "$PY" -m nianbao.eval.token_f1 --data "$d" --split test $MODELS -o "$WORK/f1-$d.json" > "$WORK/f1-$d.md" 2>> "$LOG" &
done
wait
: > "$OUT/f1.md"
for d in $SETS; do printf '\n## %s (test split)\n\n' "$d" >> "$OUT/f1.md"; cat "$WORK/f1-$d.md" >> "$OUT/f1.md"; done
"$PY" - "$WORK" $SETS > "$OUT/f1.json" <<'EOF'
import json, sys
from pathlib import Path
work = Path(sys.argv[1])
print(json.dumps({d: json.loads((work / f"f1-{d}.json").read_text()) for d in sys.argv[2:]
                  if (work / f"f1-{d}.json").is_file()}, indent=1))
EOF
cat "$OUT/f1.md" | tee -a "$LOG"
# a file over 16 MiB does not come back: an e5-shaped model whose int8 ONNX lost F1 stays float32
# (35 MB); such a tarball comes back in 15 MiB parts (cat m.tar.gz.* | tar xz)
for m in large e5 random; do
  [ -f "$WORK/$m/model.onnx" ] || continue
  tar czf "$WORK/$m.tar.gz" -C "$WORK" "$m"
  if [ "$(stat -c %s "$WORK/$m.tar.gz")" -gt $((15 * 1024 * 1024)) ]; then
    split -b 15m -d "$WORK/$m.tar.gz" "$OUT/$m.tar.gz."
  else
    mv "$WORK/$m.tar.gz" "$OUT/"
  fi
done
say "done in $(( $(date +%s) - T0 )) s"
ls -la "$OUT" >> "$LOG"
