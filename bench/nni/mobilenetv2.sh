#!/usr/bin/env bash
# The NNI tutorial's MobileNetV2 cut (REPRODUCTIONS.md, "NNI"): torchvision's MobileNetV2 exported
# to ONNX with Debian's PyTorch (torchvision's seeded random initialisation: nothing is downloaded),
# imported, cut by L1 with NNI's own config list [{'sparsity': 0.8, 'op_types': ['Conv2d']}], then
# both timed in turns in DJL and ONNX Runtime at batch 1 to 64, as the tutorial's latency table.
#   bench/nni/mobilenetv2.sh [WORK (default /tmp/nni-mobilenetv2)] [SIDE (default 224)]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${1:-/tmp/nni-mobilenetv2}"
SIDE="${2:-224}"
THREADS="${THREADS:-2}" RUNS="${RUNS:-5}" WARMUP="${WARMUP:-2}" ROUNDS="${ROUNDS:-2}" BATCHES="${BATCHES:-1,2,4,8,16,32,64}"
mkdir -p "$WORK"
echo "# $(date -u +%FT%TZ) $(uname -n), $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# THREADS=$THREADS RUNS=$RUNS WARMUP=$WARMUP ROUNDS=$ROUNDS BATCHES=$BATCHES bench/nni/mobilenetv2.sh $WORK $SIDE"
[ -f "$WORK/mobilenet_v2.onnx" ] || /usr/bin/python3 "$ROOT/bench/onnx/export_torchvision.py" --out "$WORK" --models mobilenet_v2
rm -rf "$WORK/before" "$WORK/after"
"$ROOT/topiary" engine import "$WORK/mobilenet_v2.onnx" --input "3,$SIDE,$SIDE" --out "$WORK/before"
echo '[{"sparsity": 0.8, "op_types": ["Conv2d"]}]' > "$WORK/config_list.json"
"$ROOT/topiary" engine prune --model "$WORK/before" --criterion l1 --config-list "$WORK/config_list.json" --out "$WORK/after"
"$ROOT/topiary" engine table --before "$WORK/before" --after "$WORK/after" --latency --batches "$BATCHES" \
  --runs "$RUNS" --warmup "$WARMUP" --rounds "$ROUNDS" --threads "$THREADS"
