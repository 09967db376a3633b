#!/usr/bin/env bash
# LeNet-5's ops one by one, DJL / libtorch 2.5.1 beside Debian's python3-torch: inference calls
# (LenetOps.java, lenet_ops.py), then each training call's forward and backward (LenetTrainOps.java,
# lenet_train_ops.py).
# Usage: bench/lenet-ops/run.sh   (needs the engine built: ./topiary engine --help builds it)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/lenet-ops"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); batch 128, 2 intra-op / 1 inter-op threads"
echo "# env: $(env | grep -E '^(OMP|GOMP|KMP|MKL|OPENBLAS|MALLOC)_' | sort | tr '\n' ' ')(the variables that change threading and allocation, inherited by both sides)"
# the engine's malloc settings (as ./topiary sets them): without them libtorch's large buffers go
# through mmap and munmap on every call, and conv1 swung between 1.9 and 5.4 ms from run to run
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}" MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-4294967296}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-17179869184}" MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"
CLASSES="$(mktemp -d)"
trap 'rm -rf "$CLASSES"' EXIT
# compiled first: in source-file mode javac's work in the same JVM disturbed the timings
javac -cp "$ROOT/engine/target/lib/*" -d "$CLASSES" "$HERE/LenetOps.java" "$HERE/LenetTrainOps.java"
djl() {
  java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
    -cp "$CLASSES:$ROOT/engine/target/lib/*" "$1" 2>&1 | grep -v -e WARN -e INFO -e LegacyTypeDispatch | tail -n "$2"
}
for round in 1 2; do
  djl LenetOps 8
  /usr/bin/python3 -W ignore "$HERE/lenet_ops.py"
done
echo "# training: forward + backward of each call (us)"
for round in 1 2; do
  echo "## DJL / libtorch 2.5.1"
  djl LenetTrainOps 6
  echo "## torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)' 2>/dev/null)"
  /usr/bin/python3 -W ignore "$HERE/lenet_train_ops.py"
done
echo "# reproduce: bench/lenet-ops/run.sh"
