#!/usr/bin/env bash
# Real speedup of channel pruning: latency of the original and the pruned model at batch sizes
# 1..64 on this CPU, for ResNet-56 and MobileNetV2 (CIFAR variant) on 3x32x32 inputs, pruned by L1
# norm to a FLOPs reduction (default 0.5) with kept channels rounded to a multiple (default 8).
# Target (issue 3): at 50% fewer FLOPs and batch 32, speedup >= 0.7 x (original MACs / pruned MACs).
# Usage: bench/speedup.sh [models...]   Env: TARGET (0.5), ROUND (8), THREADS (2), RUNS (30), WARMUP (5)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET="${TARGET:-0.5}"; ROUND="${ROUND:-8}"; THREADS="${THREADS:-2}"; RUNS="${RUNS:-30}"; WARMUP="${WARMUP:-5}"
MODELS=("$@"); [ ${#MODELS[@]} -gt 0 ] || MODELS=(resnet56 mobilenetv2)
OUT=.bench/speedup; mkdir -p "$OUT"
extra() { case "$1" in mobilenetv2) echo "--cifar";; *) echo "";; esac; }
latency() { ./topiary engine latency --model "$1" --threads "$THREADS" --runs "$RUNS" --warmup "$WARMUP" 2>/dev/null | awk '/^ *[0-9]+ /{print $1, $2}'; }
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $THREADS threads; median of $RUNS runs after $WARMUP warm-up"
echo "# env: $(env | grep -E '^(OMP|GOMP|KMP|MKL|OPENBLAS|MALLOC)_' | sort | tr '\n' ' ')(the variables that change threading and allocation, inherited by both sides)"
for m in "${MODELS[@]}"; do
  ./topiary engine init --arch "$m" --input 3,32,32 $(extra "$m") --out "$OUT/$m" >/dev/null 2>&1
  ./topiary engine prune --model "$OUT/$m" --criterion l1 --target-flops "$TARGET" --round-to "$ROUND" --out "$OUT/$m-pruned" 2>/dev/null | tail -n 2
  before=$(./topiary engine count --model "$OUT/$m" 2>/dev/null | awk '/^total/{gsub(",","",$0); for(i=1;i<=NF;i++) if ($i ~ /^[0-9]+$/) v=$i; print v}')
  after=$(./topiary engine count --model "$OUT/$m-pruned" 2>/dev/null | awk '/^total/{gsub(",","",$0); for(i=1;i<=NF;i++) if ($i ~ /^[0-9]+$/) v=$i; print v}')
  # interleave: original, pruned, original, pruned; keep the better median of each
  a1=$(latency "$OUT/$m"); b1=$(latency "$OUT/$m-pruned"); a2=$(latency "$OUT/$m"); b2=$(latency "$OUT/$m-pruned")
  python3 - "$m" "$before" "$after" "$a1" "$a2" "$b1" "$b2" <<'PYEOF'
import sys
m, before, after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def parse(t): return {int(l.split()[0]): float(l.split()[1]) for l in t.strip().splitlines()}
a1, a2, b1, b2 = (parse(x) for x in sys.argv[4:8])
flops_ratio = before / after
print(f"{m}: MACs {before:,} -> {after:,} (x{flops_ratio:.2f} fewer); target speedup at b32 >= {0.7 * flops_ratio:.2f}")
print(f"{'batch':>6} {'orig ms':>9} {'pruned ms':>10} {'speedup':>8} {'/FLOPs':>7}")
for b in sorted(a1):
    o, p = min(a1[b], a2[b]), min(b1[b], b2[b])
    print(f"{b:>6} {o:>9.3f} {p:>10.3f} {o / p:>8.2f} {o / p / flops_ratio:>7.2f}")
PYEOF
done
echo "# reproduce: bench/speedup.sh ${MODELS[*]}  (TARGET=$TARGET ROUND=$ROUND THREADS=$THREADS RUNS=$RUNS WARMUP=$WARMUP)"
