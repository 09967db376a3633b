#!/usr/bin/env bash
# The seed's YOLOv5 network-slimming table on the generated Fashion-MNIST scenes, measured here:
# baseline, after sparsity training, after the cut, after fine-tuning (mAP@.5, mAP@.5:.95, params,
# GFLOPs, DJL latency at batch 1 and 32). Sizes and epochs come from the environment so that a
# bigger machine can run the issue's 8,000 / 1,000 pictures at 256 px:
#   TRAIN=8000 VAL=1000 SIZE=256 EPOCHS=100 SPARSITY_EPOCHS=30 FINETUNE_EPOCHS=30 bench/detect/slimming.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${OUT:-$ROOT/.bench/detect}"
TRAIN="${TRAIN:-1000}" VAL="${VAL:-250}" SIZE="${SIZE:-128}" ARCH="${ARCH:-yolov5n}" BATCH="${BATCH:-16}"
NBS="${NBS:-16}" EPOCHS="${EPOCHS:-20}" SPARSITY_EPOCHS="${SPARSITY_EPOCHS:-10}" FINETUNE_EPOCHS="${FINETUNE_EPOCHS:-10}"
SR="${SR:-2e-3}" PERCENT="${PERCENT:-0.5}" SEED="${SEED:-1}" THREADS="${THREADS:-2}" WORKERS="${WORKERS:-2}"
mkdir -p "$OUT"
echo "# $(date -u +%FT%TZ) $(uname -n), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# TRAIN=$TRAIN VAL=$VAL SIZE=$SIZE ARCH=$ARCH BATCH=$BATCH NBS=$NBS EPOCHS=$EPOCHS SPARSITY_EPOCHS=$SPARSITY_EPOCHS FINETUNE_EPOCHS=$FINETUNE_EPOCHS SR=$SR PERCENT=$PERCENT SEED=$SEED THREADS=$THREADS WORKERS=$WORKERS bench/detect/slimming.sh"
"$ROOT/topiary" engine detection-data --out "$OUT/scenes" --train "$TRAIN" --val "$VAL" --size "$SIZE" --seed "$SEED"
"$ROOT/topiary" engine train --arch "$ARCH" --classes 10 --input "3,$SIZE,$SIZE" --dataset yolo --data-dir "$OUT/scenes" \
  --epochs "$EPOCHS" --batch "$BATCH" --nominal-batch "$NBS" --augment --seed "$SEED" --threads "$THREADS" --workers "$WORKERS" --out "$OUT/baseline"
"$ROOT/topiary" engine slim-detector --model "$OUT/baseline" --data-dir "$OUT/scenes" --batch "$BATCH" --nominal-batch "$NBS" --augment \
  --sr "$SR" --sparsity-epochs "$SPARSITY_EPOCHS" --percent "$PERCENT" --round-to 8 --finetune-epochs "$FINETUNE_EPOCHS" \
  --warmup-epochs 1 --seed "$SEED" --threads "$THREADS" --workers "$WORKERS" --histogram "$OUT/gamma.svg" --out "$OUT/slim"
