#!/usr/bin/env bash
# ONNX in and out on torchvision ResNet-18, ResNet-50 and MobileNetV2 at 3x224x224 (BENCHMARKS.md):
# import time and peak heap, outputs against PyTorch and ONNX Runtime, an L1 cut to -50% FLOPs
# (round-to 8) exported to ONNX, and latency in ONNX Runtime and DJL, original against pruned, on 2 threads.
# Usage: bench/onnx/bench.sh [WORK_DIR (default /tmp/onnx-bench)] [MODELS (default "resnet18 resnet50 mobilenet_v2")]
set -euo pipefail
WORK="${1:-/tmp/onnx-bench}"
MODELS="${2:-resnet18 resnet50 mobilenet_v2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
engine() { "$ROOT/topiary" engine "$@"; }
mkdir -p "$WORK"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# command: bench/onnx/bench.sh $WORK \"$MODELS\""

# 1. the models, exported by PyTorch with BN kept (what a user prunes) and folded (the deployment baseline)
for m in $MODELS; do
  [ -f "$WORK/$m.onnx" ] || /usr/bin/python3 "$ROOT/bench/onnx/export_torchvision.py" --out "$WORK" --models "$m" 2>&1 | grep -v Warning
done

diff_npy() { /usr/bin/python3 -c "import numpy as n,sys;a=n.load(sys.argv[1]);b=n.load(sys.argv[2]);print('%.2e'%(abs(a-b).max()/max(1,abs(a).max())))" "$1" "$2"; }
RUNS="${RUNS:-20}"
latency() { engine latency --threads 2 --interop 1 --warmup 3 --runs "$RUNS" "$@" | awk 'NR>2 {printf "b%s=%s/%s ", $1, $2, $3}'; }

for m in $MODELS; do
  echo; echo "## $m ($(stat -c %s "$WORK/$m.onnx") bytes, $(cat "$WORK/$m.params") parameters in PyTorch)"
  # 2. import: the command's own timing, in a JVM whose heap is capped at twice the file, or 64 MiB for
  #    a small file (the command's classes alone take about 30 MiB): it fails with OutOfMemoryError if the
  #    import needs more; the GC log's largest occupancy as well
  rm -rf "$WORK/$m"
  mib=$(( $(stat -c %s "$WORK/$m.onnx") / 1048576 + 1 ))
  cap=$(( 2 * mib > 64 ? 2 * mib : 64 ))
  TOPIARY_JAVA_OPTS="-Xmx${cap}m -Xlog:gc:file=$WORK/$m.gc.log" engine import "$WORK/$m.onnx" --out "$WORK/$m" | sed 's/^/   /'
  peak=$(grep -oE '[0-9]+M->[0-9]+M' "$WORK/$m.gc.log" | tr -d 'M' | tr '>' ' ' | awk -F'[- ]' '{print ($1>$3?$1:$3)}' | sort -n | tail -1)
  echo "   imported with the heap capped at -Xmx${cap}m (the file: ${mib} MiB); largest occupancy in the GC log: ${peak:-?} MiB"
  # 3. outputs: DJL on the imported model and ONNX Runtime on the file, against PyTorch
  engine predict --model "$WORK/$m.onnx" --input "$WORK/$m.input.npy" --out "$WORK/$m.djl.npy" --runtime djl > /dev/null
  engine predict --model "$WORK/$m.onnx" --input "$WORK/$m.input.npy" --out "$WORK/$m.ort.npy" --runtime onnxruntime > /dev/null
  echo "   largest output difference (relative to the output's scale): DJL vs ORT $(diff_npy "$WORK/$m.ort.npy" "$WORK/$m.djl.npy"), DJL vs PyTorch $(diff_npy "$WORK/$m.output.npy" "$WORK/$m.djl.npy"), ORT vs PyTorch $(diff_npy "$WORK/$m.output.npy" "$WORK/$m.ort.npy")"
  # 4. cut by L1 to -50% FLOPs, kept channels rounded to 8; both exported with BN folded for deployment
  engine prune --model "$WORK/$m" --criterion l1 --target-flops 0.5 --round-to 8 --out "$WORK/$m-pruned" | tail -2 | sed 's/^/   /'
  engine export --model "$WORK/$m" --onnx "$WORK/$m-orig.onnx" --fold-bn | sed 's/^/   /'
  engine export --model "$WORK/$m-pruned" --onnx "$WORK/$m-pruned.onnx" --fold-bn | sed 's/^/   /'
  engine predict --model "$WORK/$m-pruned" --input "$WORK/$m.input.npy" --out "$WORK/$m-pruned.djl.npy" > /dev/null
  engine predict --model "$WORK/$m-pruned.onnx" --input "$WORK/$m.input.npy" --out "$WORK/$m-pruned.ort.npy" --runtime onnxruntime > /dev/null
  echo "   pruned model: DJL vs ORT on the exported file $(diff_npy "$WORK/$m-pruned.djl.npy" "$WORK/$m-pruned.ort.npy")"
  # 5. latency, median/p90 ms per batch (RUNS timed runs, default 20), interleaved original and pruned;
#    DJL at batches 1 and 8 only (libtorch's oneDNN is capped at SSE4.1 here, see ./topiary)
  for round in 1 2; do
    echo "   round $round ORT original: $(latency --batches 1,8,32 --model "$WORK/$m-orig.onnx" --runtime onnxruntime)"
    echo "   round $round ORT pruned:   $(latency --batches 1,8,32 --model "$WORK/$m-pruned.onnx" --runtime onnxruntime)"
  done
  echo "   DJL original: $(latency --batches 1,8 --model "$WORK/$m")"
  echo "   DJL pruned:   $(latency --batches 1,8 --model "$WORK/$m-pruned")"
done
