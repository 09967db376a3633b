#!/usr/bin/env bash
# The TensorRT pruning tutorial's channel multiples (REPRODUCTIONS.md, "TensorRT"): one model cut by
# global L1 to the same FLOPs target with kept channels rounded to 1 (none), 8 and 64, each timed
# in turns against the original in DJL and ONNX Runtime. Untrained seeded weights: latency depends
# on the shapes, not the values.
#   bench/tensorrt/rounding.sh [ARCH (default vgg16-bn)] [WORK (default /tmp/trt-rounding)]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ARCH="${1:-vgg16-bn}"
WORK="${2:-/tmp/trt-rounding}"
INPUT="${INPUT:-3,32,32}" TARGET="${TARGET:-0.5}" ROUNDS_TO="${ROUNDS_TO:-1 8 64}"
THREADS="${THREADS:-2}" RUNS="${RUNS:-10}" WARMUP="${WARMUP:-3}" ROUNDS="${ROUNDS:-3}" BATCHES="${BATCHES:-1,32}"
mkdir -p "$WORK"
echo "# $(date -u +%FT%TZ) $(uname -n), $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# INPUT=$INPUT TARGET=$TARGET ROUNDS_TO='$ROUNDS_TO' THREADS=$THREADS RUNS=$RUNS WARMUP=$WARMUP ROUNDS=$ROUNDS BATCHES=$BATCHES bench/tensorrt/rounding.sh $ARCH $WORK"
rm -rf "$WORK/orig"
"$ROOT/topiary" engine init --arch "$ARCH" --classes 10 --input "$INPUT" --out "$WORK/orig"
for r in $ROUNDS_TO; do
  rm -rf "$WORK/round$r"
  "$ROOT/topiary" engine prune --model "$WORK/orig" --criterion l1 --target-flops "$TARGET" --round-to "$r" --out "$WORK/round$r"
  echo "## kept channels rounded to $r"
  "$ROOT/topiary" engine table --before "$WORK/orig" --after "$WORK/round$r" --latency --batches "$BATCHES" \
    --runs "$RUNS" --warmup "$WARMUP" --rounds "$ROUNDS" --threads "$THREADS" | grep -v -E "^ *(conv|fc|features|classifier|layer)"
done
