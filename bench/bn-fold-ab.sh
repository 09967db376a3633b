#!/usr/bin/env bash
# DJL inference latency with BatchNorm folded into the convolutions (the default of `engine latency`)
# against the model as stored (--no-fold), one process per run, interleaved folded / unfolded per round.
# Usage: bench/bn-fold-ab.sh [model-folder]   (default: a seeded resnet56, shortcut B, 3x32x32, in /tmp/bn-fold-ab/r56)
# Env: ROUNDS (3), BATCHES (1,32), RUNS (50), WARMUP (10), THREADS (2)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-3}"; BATCHES="${BATCHES:-1,32}"; RUNS="${RUNS:-50}"; WARMUP="${WARMUP:-10}"; THREADS="${THREADS:-2}"
MODEL="${1:-/tmp/bn-fold-ab/r56}"
if [ ! -f "$MODEL/graph.json" ]; then
  ./topiary engine init --arch resnet56 --shortcut B --input 3,32,32 --out "$MODEL" >/dev/null 2>&1
fi
ROWS="$(mktemp)"; trap 'rm -f "$ROWS"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $MODEL; batches $BATCHES, $RUNS runs after $WARMUP warm-up, $THREADS threads"
printf "%-5s %-8s %5s %10s %10s\n" round bn batch median_ms p90_ms
for r in $(seq 1 "$ROUNDS"); do
  for mode in folded unfolded; do
    flag=""; [ "$mode" = unfolded ] && flag="--no-fold"
    ./topiary engine latency --model "$MODEL" --batches "$BATCHES" --runs "$RUNS" --warmup "$WARMUP" --threads "$THREADS" $flag 2>/dev/null \
      | awk -v r="$r" -v m="$mode" '$1 ~ /^[0-9]+$/ && NF == 4 { printf "%-5s %-8s %5s %10s %10s\n", r, m, $1, $2, $3 }' | tee -a "$ROWS"
  done
done
# per batch size, the median over rounds of each round's folded/unfolded ratio (back-to-back runs share the load)
python3 - "$ROWS" <<'PYEOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r, mode, b, med, p90 = line.split()
    rows.setdefault((int(b), r), {})[mode] = (float(med), float(p90))
per = {}
for (b, r), v in sorted(rows.items()):
    per.setdefault(b, []).append((v["folded"][0] / v["unfolded"][0], v["folded"][1] / v["unfolded"][1], v["folded"], v["unfolded"]))
for b, xs in per.items():
    print("batch %-3d folded/unfolded median %s -> %.2f; p90 %s -> %.2f; folded median/p90 ms %.2f/%.2f, unfolded %.2f/%.2f" % (
        b, " ".join("%.2f" % x[0] for x in xs), statistics.median(x[0] for x in xs),
        " ".join("%.2f" % x[1] for x in xs), statistics.median(x[1] for x in xs),
        statistics.median(x[2][0] for x in xs), statistics.median(x[2][1] for x in xs),
        statistics.median(x[3][0] for x in xs), statistics.median(x[3][1] for x in xs)))
PYEOF
echo "# reproduce: bench/bn-fold-ab.sh $MODEL  (ROUNDS=$ROUNDS BATCHES=$BATCHES RUNS=$RUNS WARMUP=$WARMUP THREADS=$THREADS)"
