#!/usr/bin/env bash
# Side-by-side training and inference throughput: Topiary's engine vs PyTorch (Debian python3-torch
# with OpenBLAS), same graph.json, same batch, same threads, runs interleaved per model.
# Usage: bench/compare-throughput.sh [models...]   (default: lenet5 vgg16-bn resnet56 mobilenetv2)
# Env: BATCH (128), THREADS (2), INTEROP (1), ITERS (5), WARMUP (2), MIN_SECONDS (3), WARMUP_SECONDS (2), ROUNDS (1)
# Each phase (warm-up, timed; training, inference) runs at least its iterations and at least its seconds,
# on both sides, so that LeNet-5 (20 ms a step) is timed with the JVM's code compiled.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BATCH="${BATCH:-128}"; THREADS="${THREADS:-2}"; INTEROP="${INTEROP:-1}"; ITERS="${ITERS:-5}"; WARMUP="${WARMUP:-2}"; ROUNDS="${ROUNDS:-1}"
SECONDS_MIN="${MIN_SECONDS:-3}"; WARMUP_SECONDS="${WARMUP_SECONDS:-2}"
MODELS=("$@"); [ ${#MODELS[@]} -gt 0 ] || MODELS=(lenet5 vgg16-bn resnet56 mobilenetv2)
PY="${PYTHON:-/usr/bin/python3}"
mkdir -p .bench
ROWS="$(mktemp)"; trap 'rm -f "$ROWS"' EXIT
"$PY" -c "import torch" 2>/dev/null || { echo "needs Debian's python3-torch and libopenblas0-openmp (apt-get install python3-torch libopenblas0-openmp)" >&2; exit 2; }
extra() { case "$1" in mobilenetv2) echo "--cifar";; *) echo "";; esac; }
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# batch $BATCH, threads $THREADS intra / $INTEROP inter, warm-up >= $WARMUP iterations and >= $WARMUP_SECONDS s, timed >= $ITERS iterations and >= $SECONDS_MIN s, input 3x32x32"
echo "# env: $(env | grep -E '^(OMP|GOMP|KMP|MKL|OPENBLAS|MALLOC)_' | sort | tr '\n' ' ')(the variables that change threading and allocation, inherited by both sides)"
printf "%-12s %-5s %12s %12s %12s %12s %7s %7s %9s\n" model round topiary_train torch_train topiary_infer torch_infer r_train r_infer jvm_peak
for m in "${MODELS[@]}"; do
  ./topiary engine export-graph --arch "$m" --input 3,32,32 $(extra "$m") --out ".bench/$m.json" >/dev/null
  for r in $(seq 1 "$ROUNDS"); do
    j=$(./topiary engine bench --arch "$m" --input 3,32,32 $(extra "$m") --batch "$BATCH" --threads "$THREADS" --interop "$INTEROP" --iters "$ITERS" --warmup "$WARMUP" --seconds "$SECONDS_MIN" --warmup-seconds "$WARMUP_SECONDS" 2>/dev/null | tail -n 1)
    p=$("$PY" -W ignore bench/torch_reference.py ".bench/$m.json" --batch "$BATCH" --threads "$THREADS" --interop "$INTEROP" --iters "$ITERS" --warmup "$WARMUP" --seconds "$SECONDS_MIN" --warmup-seconds "$WARMUP_SECONDS" | tail -n 1)
    "$PY" - "$m" "$r" "$j" "$p" <<'PYEOF' | tee -a "$ROWS"
import json, sys
m, r, j, p = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
print("%-12s %-5s %12.1f %12.1f %12.1f %12.1f %7.2f %7.2f %6d MiB" % (m, r, j["train_img_s"], p["train_img_s"], j["infer_img_s"], p["infer_img_s"],
      j["train_img_s"] / p["train_img_s"], j["infer_img_s"] / p["infer_img_s"], j.get("peak_rss_mib", -1)))
PYEOF
  done
done
if [ "$ROUNDS" -gt 1 ]; then
  # per model, the median of the per-round ratios (each round runs the two sides back to back)
  "$PY" - "$ROWS" <<'PYEOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault(f[0], []).append((float(f[6]), float(f[7])))
for m, r in rows.items():
    print("%-12s %-5s %12s %12s %12s %12s %7.2f %7.2f" % (m, "med", "", "", "", "", statistics.median(x[0] for x in r), statistics.median(x[1] for x in r)))
PYEOF
fi
echo "# reproduce: bench/compare-throughput.sh ${MODELS[*]}  (BATCH=$BATCH THREADS=$THREADS INTEROP=$INTEROP ITERS=$ITERS WARMUP=$WARMUP MIN_SECONDS=$SECONDS_MIN WARMUP_SECONDS=$WARMUP_SECONDS ROUNDS=$ROUNDS)"
