#!/usr/bin/env bash
# Streaming ImageFolder loader (issue 14): images/s of Topiary's loader alone against PyTorch's
# DataLoader (Debian's torch 1.13 / torchvision 0.14), same folder, same training transforms
# (random resized crop 224, horizontal flip, ImageNet normalisation), batch 64, 2 workers; then
# MobileNetV2 (zoo, 224 input, 10 classes) trained on TRAIN_IMAGES images fed by the loader, with
# the time the step spent blocked on the loader's queue.
# Usage: bench/data-loader/bench.sh      Env: DATA (/tmp/topiary-imagefolder-20k), IMAGES (20000: the
# folder's size), TRAIN_IMAGES (320), WORKERS (2), BATCH (64), THREADS (2: libtorch intra-op threads).
# The folder is generated once by `./topiary engine image-folder-data` and is not committed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
DATA="${DATA:-/tmp/topiary-imagefolder-20k}"; IMAGES="${IMAGES:-20000}"; TRAIN_IMAGES="${TRAIN_IMAGES:-320}"
WORKERS="${WORKERS:-2}"; BATCH="${BATCH:-64}"; THREADS="${THREADS:-2}"
PY="${PYTHON:-/usr/bin/python3}"
"$PY" -c "import torchvision" 2>/dev/null || { echo "needs Debian's python3-torchvision (apt-get install python3-torchvision)" >&2; exit 2; }
if [ ! -f "$DATA/.complete-$IMAGES" ]; then
  rm -rf "$DATA"
  ./topiary engine image-folder-data --out "$DATA" --train "$IMAGES" --val 200 --size 224 --format jpeg --seed 0
  touch "$DATA/.complete-$IMAGES"
fi
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# $DATA: $(find "$DATA/train" -name '*.jpg' | wc -l) train JPEGs, 224x224, $(du -sh "$DATA/train" | cut -f1)"
echo "# batch $BATCH, $WORKERS workers, random resized crop 224 + flip + normalise; page cache warmed by a first read"
cat "$DATA"/train/*/*.jpg > /dev/null
t=$(mktemp); trap 'rm -f "$t"' EXIT
/usr/bin/time -v ./topiary engine bench-loader --data "$DATA" --batch "$BATCH" --workers "$WORKERS" --threads "$THREADS" 2>"$t" | grep -v WARN
echo "  (time -v max RSS: $(grep 'Maximum resident' "$t" | awk '{print $NF}') kB)"
/usr/bin/time -v "$PY" -W ignore bench/data-loader/torch_loader.py --data "$DATA" --batch "$BATCH" --workers "$WORKERS" 2>"$t"
echo "  (time -v max RSS of the largest process: $(grep 'Maximum resident' "$t" | awk '{print $NF}') kB)"
./topiary engine bench-loader --data "$DATA" --batch "$BATCH" --workers "$WORKERS" --threads "$THREADS" --images 640 \
  --train-images "$TRAIN_IMAGES" --arch mobilenetv2 --input 3,224,224 --classes 10 2>/dev/null | grep -v WARN
