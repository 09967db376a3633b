#!/usr/bin/env bash
# Topiary's engine with channels-last CPU convolutions (the default) against the same engine with them
# off (-Dtopiary.cpu-channels-last=false), runs interleaved, same protocol as compare-throughput.sh.
# Usage: bench/channels-last-ab.sh [models...]   (default: lenet5 vgg16-bn resnet56 mobilenetv2)
# Env: ROUNDS (3), BATCH (128), THREADS (2), INTEROP (1)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-3}"; BATCH="${BATCH:-128}"; THREADS="${THREADS:-2}"; INTEROP="${INTEROP:-1}"
MODELS=("$@"); [ ${#MODELS[@]} -gt 0 ] || MODELS=(lenet5 vgg16-bn resnet56 mobilenetv2)
extra() { case "$1" in mobilenetv2) echo "--cifar";; *) echo "";; esac; }
ROWS="$(mktemp)"; trap 'rm -f "$ROWS"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); batch $BATCH, threads $THREADS intra / $INTEROP inter, input 3x32x32"
echo "# env: $(env | grep -E '^(OMP|GOMP|KMP|MKL|OPENBLAS|MALLOC)_' | sort | tr '\n' ' ')(inherited by both sides)"
printf "%-12s %-5s %-6s %10s %10s %9s\n" model round nhwc train_img_s infer_img_s jvm_peak
for m in "${MODELS[@]}"; do
  for r in $(seq 1 "$ROUNDS"); do
    for on in true false; do
      j=$(TOPIARY_JAVA_OPTS="-Dtopiary.cpu-channels-last=$on" ./topiary engine bench --arch "$m" --input 3,32,32 $(extra "$m") \
        --batch "$BATCH" --threads "$THREADS" --interop "$INTEROP" 2>/dev/null | tail -n 1)
      python3 - "$m" "$r" "$on" "$j" <<'PYEOF' | tee -a "$ROWS"
import json, sys
m, r, on, j = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
print("%-12s %-5s %-6s %10.1f %10.1f %5d MiB" % (m, r, on, j["train_img_s"], j["infer_img_s"], j["peak_rss_mib"]))
PYEOF
    done
  done
done
# per model, the median of the per-round ratios on/off (each round runs the two back to back)
python3 - "$ROWS" <<'PYEOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault((f[0], f[1]), {})[f[2]] = (float(f[3]), float(f[4]))
per = {}
for (m, r), v in rows.items():
    per.setdefault(m, []).append((v["true"][0] / v["false"][0], v["true"][1] / v["false"][1]))
for m, r in per.items():
    print("%-12s on/off train %s -> median %.2f; infer %s -> median %.2f" % (m, " ".join("%.2f" % x[0] for x in r),
          statistics.median(x[0] for x in r), " ".join("%.2f" % x[1] for x in r), statistics.median(x[1] for x in r)))
PYEOF
echo "# reproduce: bench/channels-last-ab.sh ${MODELS[*]}  (ROUNDS=$ROUNDS BATCH=$BATCH THREADS=$THREADS INTEROP=$INTEROP)"
