#!/bin/bash
# Builds, on this machine, what training/gpu_run.sh needs on a lent GPU machine (docs/model.md,
# "A GPU kit"): the token datasets, seqeval, and the e5 start for exactly those datasets.
#
#     bash training/gpu_kit.sh [--tiny] [KIT]     # KIT default data/kit (ignored by git, as data/ is:
#                                                 # name it in the device run's carry; ~30 MB)
#
# Datasets (WORK, default data/kit-work, keeps them and ocr-tokens' per-document cache, so a
# stopped build resumes; it stays here: only KIT travels):
#   dig   nianbao synth --n N_DIG --seed 0 --kinds pdf,text                the shipped recipe's corpus
#   ocr   nianbao ocr-tokens of synth --n N_SCAN --seed 2801 --kinds scan --variants (every degradation,
#         the printed variants), split per degradation (2 test, 1 validation each, the rest train)
#   eval  nianbao ocr-tokens --kinds digital,ocr of synth --n N_EVAL --seed 2804 --kinds scan --variants,
#         8 documents of each degradation in test (their digital pages too): never trained on
#   real  nianbao real-tokens REAL (the gold reports; 2 held out, 1 validation) when REAL is a folder
# The OCR is the cost: ~1-3 s a page a core, so N_SCAN=120 takes about an hour on 2 idle cores.
# --tiny: seconds, for tests — tiny corpora, and the ocr/eval sets from the digital pages alone
# (no OCR; tests/test_ocr_tokens.py covers the OCR'd pages).
set -e -o pipefail
TINY=0
if [ "$1" = --tiny ]; then TINY=1; shift; fi
REPO=$(cd "$(dirname "$0")/.." && pwd)
KIT=${1:-$REPO/data/kit}
mkdir -p "$KIT"
KIT=$(cd "$KIT" && pwd)
WORK=${WORK:-$REPO/data/kit-work}
mkdir -p "$WORK"
NB=${NB:-$REPO/.venv/bin/nianbao}
PY=${PY:-$REPO/.venv/bin/python}
WORKERS=${WORKERS:-2}
if [ $TINY = 1 ]; then
  N_DIG=${N_DIG:-4}; N_SCAN=${N_SCAN:-3}; N_EVAL=${N_EVAL:-2}; OCR_KINDS=digital; TEST_OCR=1; TEST_EVAL=1; SCAN_KINDS=pdf
  REAL=${REAL:-}
else
  N_DIG=${N_DIG:-400}; N_SCAN=${N_SCAN:-120}; N_EVAL=${N_EVAL:-48}; OCR_KINDS=ocr; TEST_OCR=2; TEST_EVAL=8; SCAN_KINDS=scan
  REAL=${REAL-$REPO/../shared/real}
fi
W_OCR=${W_OCR:-3}; W_REAL=${W_REAL:-4}
cd "$WORK"
synth() {  # out n seed kinds [--variants]; an existing corpus of that size is kept
  [ -f "$1/manifest.jsonl" ] && [ "$(wc -l < "$1/manifest.jsonl")" = "$2" ] && return 0
  "$NB" synth --n "$2" --seed "$3" --kinds "$4" $5 --out "$1" --workers "$WORKERS" --no-progress
}
synth dig "$N_DIG" 0 pdf,text
synth scans "$N_SCAN" 2801 $SCAN_KINDS --variants
synth evalscans "$N_EVAL" 2804 $SCAN_KINDS --variants
"$NB" ocr-tokens scans --out ocr --kinds $OCR_KINDS --test-per-kind $TEST_OCR --validation-per-kind 1 --workers "$WORKERS"
"$NB" ocr-tokens evalscans --out eval --kinds digital,$OCR_KINDS --test-per-kind $TEST_EVAL --workers "$WORKERS"
SETS="dig/tokens ocr/tokens eval/tokens"
SRC="--data dig --data ocr:$W_OCR"
if [ -n "$REAL" ] && [ -d "$REAL" ]; then
  "$NB" real-tokens "$REAL" --out real --holdout hongze_2024,pingtan_gwh_2021 --validation pingtan_czj_2019
  SETS="$SETS real/tokens"
  SRC="$SRC --data real:$W_REAL"
fi
tar czf "$KIT/data.tar.gz" $SETS
echo "$SRC" > "$KIT/sources.txt"
# the e5 start for exactly these sources (the vocabulary is their training pages' characters)
"$NB" train $SRC --config e5-gpu --save-init "$KIT/e5start.pt"
rm -rf "$KIT/seqeval"
cp -r "$("$PY" -c 'import os, seqeval; print(os.path.dirname(seqeval.__file__))')" "$KIT/seqeval"
find "$KIT/seqeval" -name __pycache__ -prune -exec rm -rf {} +
du -sh "$KIT/data.tar.gz" "$KIT/e5start.pt" "$KIT/seqeval"
echo "kit ready in $KIT; sources: $SRC"
