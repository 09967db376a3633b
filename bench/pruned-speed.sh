#!/usr/bin/env bash
# Issue 18: does a pruned model train and run faster than its original, in Topiary's own engine?
# For each model (3x32x32 input, random initial weights): the original, and the original pruned by L1
# norm to TARGET of its MACs with kept channel counts rounded to a multiple of N (variant roundN:
# round1 keeps the counts as they fall; round16, oneDNN's AVX-512 channel block, is the engine's
# default). Measured in turns (each variant of VARIANTS in order; ROUNDS times), each figure the
# median of its rounds:
#   - training images/s: `topiary engine bench` (forward, cross-entropy, backward, SGD; batch 128);
#   - inference latency at batch 1 and 32, median and p90: `topiary engine latency`;
#   - PyTorch eager's latency and training images/s on the same graph (bench/torch_reference.py), TORCH=1.
# Each Topiary figure runs once per memory order in ORDERS (auto: measured per graph, the default;
# true: channels-last; false: contiguous), so the policy can be compared with the fixed orders.
# Usage: bench/pruned-speed.sh [models...]
#   Env: ROUNDS (2) TARGET (0.5) THREADS (2) RUNS (50) WARMUP (10) BATCH (128) ORDERS ("auto") TORCH (1)
#        VARIANTS ("orig round1 round8 round16"; orig first)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-2}"; TARGET="${TARGET:-0.5}"; THREADS="${THREADS:-2}"; RUNS="${RUNS:-50}"; WARMUP="${WARMUP:-10}"
BATCH="${BATCH:-128}"; ORDERS="${ORDERS:-auto}"; TORCH="${TORCH:-1}"; VARIANTS="${VARIANTS:-orig round1 round8 round16}"
MODELS=("$@"); [ ${#MODELS[@]} -gt 0 ] || MODELS=(resnet20 resnet56 mobilenetv2 vgg16-bn)
OUT=.bench/pruned-speed; mkdir -p "$OUT"
RAW="$OUT/raw.tsv"; : > "$RAW"
extra() { case "$1" in mobilenetv2) echo "--cifar";; resnet*) echo "--shortcut B";; *) echo "";; esac; }
macs() { ./topiary engine count --model "$1" 2>/dev/null | awk '/^total/{gsub(",","",$0); for(i=1;i<=NF;i++) if ($i ~ /^[0-9]+$/) v=$i; print v}'; }
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $THREADS threads; training batch $BATCH; latency median/p90 of $RUNS runs after $WARMUP; $ROUNDS rounds in turns; orders: $ORDERS"
./topiary engine count --help >/dev/null 2>&1 # builds the engine once, before any timing
for m in "${MODELS[@]}"; do
  # shellcheck disable=SC2046
  ./topiary engine init --arch "$m" --input 3,32,32 $(extra "$m") --out "$OUT/$m-orig" >/dev/null 2>&1
  for v in $VARIANTS; do
    [ "$v" = orig ] || ./topiary engine prune --model "$OUT/$m-orig" --criterion l1 --target-flops "$TARGET" --round-to "${v#round}" \
      --out "$OUT/$m-$v" >/dev/null 2>&1
  done
  for v in $VARIANTS; do printf "%s\t%s\tmacs\t-\t%s\n" "$m" "$v" "$(macs "$OUT/$m-$v")" >> "$RAW"; done
  for r in $(seq "$ROUNDS"); do
    for v in $VARIANTS; do
      for o in $ORDERS; do
        t=$(TOPIARY_JAVA_OPTS="-Dtopiary.cpu-channels-last=$o" ./topiary engine bench --model "$OUT/$m-$v" --batch "$BATCH" \
          --threads "$THREADS" --iters 5 --seconds 3 2>/dev/null | tail -n 1)
        printf "%s\t%s\ttrain\t%s\t%s\n" "$m" "$v" "$o" "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["train_img_s"])' "$t")" >> "$RAW"
        TOPIARY_JAVA_OPTS="-Dtopiary.cpu-channels-last=$o" ./topiary engine latency --model "$OUT/$m-$v" --batches 1,32 \
          --threads "$THREADS" --runs "$RUNS" --warmup "$WARMUP" 2>/dev/null \
          | awk -v m="$m" -v v="$v" -v o="$o" '/^ *[0-9]+ /{printf "%s\t%s\tb%s\t%s\t%s %s\n", m, v, $1, o, $2, $3}' >> "$RAW"
      done
      if [ "$TORCH" = 1 ]; then
        /usr/bin/python3 bench/torch_reference.py "$OUT/$m-$v/graph.json" --latency 1,32 --runs "$RUNS" --warmup "$WARMUP" \
          --threads "$THREADS" 2>/dev/null | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
for b, f in d["latency"].items():
    print("%s\t%s\tb%s\ttorch\t%s %s" % (sys.argv[1], sys.argv[2], b, f["median_ms"], f["p90_ms"]))' "$m" "$v" >> "$RAW"
        t=$(/usr/bin/python3 bench/torch_reference.py "$OUT/$m-$v/graph.json" --batch "$BATCH" --threads "$THREADS" --iters 5 --seconds 3 \
          2>/dev/null | tail -n 1)
        printf "%s\t%s\ttrain\ttorch\t%s\n" "$m" "$v" "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["train_img_s"])' "$t")" >> "$RAW"
      fi
    done
  done
done
python3 - "$RAW" "$ORDERS" <<'PYEOF'
import statistics, sys
from collections import defaultdict
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
orders = sys.argv[2].split()
macs, train, lat = {}, defaultdict(list), defaultdict(list)
for m, v, kind, o, val in rows:
    if kind == "macs":
        macs[(m, v)] = int(val)
    elif kind == "train":
        train[(m, v, o)].append(float(val))
    else:
        p50, p90 = (float(x) for x in val.split())
        lat[(m, v, kind, o)].append((p50, p90))
med = statistics.median
def l(m, v, b, o):
    xs = lat.get((m, v, b, o))
    return (med(x[0] for x in xs), med(x[1] for x in xs)) if xs else None
models = list(dict.fromkeys(m for m, _ in macs))
for o in orders:
    print(f"\n## memory order: {o}")
    print("| model | variant | MACs | FLOPs ratio | train img/s | train x | train x / FLOPs ratio | b1 ms p50/p90 | b1 x | b32 ms p50/p90 | b32 x "
          "| b32 x / FLOPs ratio | torch train img/s | torch train x | torch b1 p50 | torch b32 p50 | Topiary/torch b1 | b32 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for m in models:
        base = macs[(m, "orig")]
        tb = med(train[(m, "orig", o)])
        b1o, b32o = l(m, "orig", "b1", o), l(m, "orig", "b32", o)
        for v in [v for (mm, v) in macs if mm == m]:
            fr = base / macs[(m, v)]
            tr = med(train[(m, v, o)])
            b1, b32 = l(m, v, "b1", o), l(m, v, "b32", o)
            t1, t32 = l(m, v, "b1", "torch"), l(m, v, "b32", "torch")
            tt, tto = train.get((m, v, "torch")), train.get((m, "orig", "torch"))
            torch_train = f"{med(tt):.0f} | {med(tt) / med(tto):.2f}" if tt and tto else "- | -"
            torch_cols = (f"{t1[0]:.2f} | {t32[0]:.2f} | {b1[0] / t1[0]:.2f} | {b32[0] / t32[0]:.2f}" if t1 and t32 else "- | - | - | -")
            print(f"| {m} | {v} | {macs[(m, v)]:,} | {fr:.2f} | {tr:.0f} | {tr / tb:.2f} | {tr / tb / fr:.2f} | {b1[0]:.2f} / {b1[1]:.2f} "
                  f"| {b1o[0] / b1[0]:.2f} | {b32[0]:.2f} / {b32[1]:.2f} | {b32o[0] / b32[0]:.2f} | {b32o[0] / b32[0] / fr:.2f} | {torch_train} "
                  f"| {torch_cols} |")
PYEOF
echo "# reproduce: VARIANTS='$VARIANTS' ROUNDS=$ROUNDS TARGET=$TARGET THREADS=$THREADS RUNS=$RUNS WARMUP=$WARMUP BATCH=$BATCH ORDERS='$ORDERS' TORCH=$TORCH bench/pruned-speed.sh ${MODELS[*]}"
