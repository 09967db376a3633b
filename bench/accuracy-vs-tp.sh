#!/usr/bin/env bash
# Accuracy after global L1 channel pruning, Topiary beside Torch-Pruning, on issue 17's protocol:
#   ResNet-20 with option-B shortcuts (Topiary's zoo graph, built in PyTorch from the same graph.json);
#   Fashion-MNIST, all 60,000 / 10,000 images, zero-padded to 32x32 and replicated to 3 channels;
#   baseline: 10 epochs in PyTorch, SGD 0.1, momentum 0.9, Nesterov, weight decay 5e-4, cosine, batch 128,
#     random crop 4 and flip; both sides start from these weights (Topiary reads PyTorch's safetensors);
#   global L1 to 50% of the MACs; 5 fine-tuning epochs at 0.01, cosine, same optimiser and augmentation.
# Torch-Pruning: MagnitudePruner with MagnitudeImportance(p=1), global, its reproduce/main.py's progressive
# steps to speed-up 2 (its own counter), the classifier ignored; run with Debian's python3-torch from the
# checkout given (never committed). Topiary: `engine prune --criterion l1 --target-flops 0.5`, once per
# VARIANT (its flags after the name), default "default" (no flags: the engine's defaults).
# TRAINER: who trains the baseline and fine-tunes Torch-Pruning's cut, with the same recipe either way:
#   topiary (default; the same trainer for every cut, so the table compares what each tool cuts) or
#   pytorch (Debian's torch 1.13, about 5x slower per image here than the engine's libtorch).
# Then MACs and params by Topiary's counter for every model, top-1 by both runtimes (a check that the two
# data pipelines agree), and latency at batch 1 and 32 in Topiary (DJL) and PyTorch eager, in turns.
# Usage: bench/accuracy-vs-tp.sh TP_DIR
# Env: VARIANTS ("default"; e.g. "default|round1:--round-to 1|mean:--normalization mean"), BASE_EPOCHS (10),
#      FT_EPOCHS (5), THREADS (2), RUNS (50), ROUNDS (3), KEEP (1: reuse the baseline and the models already made)
set -euo pipefail
TP="$(cd "${1:?usage: bench/accuracy-vs-tp.sh TP_DIR (a Torch-Pruning checkout)}" && pwd)"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VARIANTS="${VARIANTS:-default}"; TRAINER="${TRAINER:-topiary}"; BASE_EPOCHS="${BASE_EPOCHS:-10}"; FT_EPOCHS="${FT_EPOCHS:-5}"; THREADS="${THREADS:-2}"
RUNS="${RUNS:-50}"; ROUNDS="${ROUNDS:-3}"; KEEP="${KEEP:-1}"
OUT=.bench/tp; mkdir -p "$OUT"
PY=(/usr/bin/python3 -W ignore bench/tp/tp_side.py --threads "$THREADS")
E() { ./topiary engine "$@" 2>/dev/null; }
fresh() { [ "$KEEP" != 1 ] || [ ! -f "$1/weights.safetensors" ]; }
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $THREADS threads"
echo "# Torch-Pruning $(cd "$TP" && git describe --tags --always 2>/dev/null || echo '?') from $TP; torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
t0=$(date +%s)
fresh "$OUT/init" && E init --arch resnet20 --shortcut B --input 3,32,32 --classes 10 --seed 0 --out "$OUT/init" >/dev/null
SGD=(--momentum 0.9 --nesterov --weight-decay 5e-4 --schedule cosine --batch 128 --augment --threads "$THREADS")
if fresh "$OUT/baseline"; then
  if [ "$TRAINER" = pytorch ]; then
    "${PY[@]}" baseline --init "$OUT/init/weights.safetensors" --epochs "$BASE_EPOCHS" --lr 0.1 --out "$OUT/baseline" > "$OUT/baseline.json"
  else
    E train --model "$OUT/init" --epochs "$BASE_EPOCHS" --lr 0.1 "${SGD[@]}" --out "$OUT/baseline" | tail -n 1
  fi
fi
if fresh "$OUT/torch-pruning"; then
  if [ "$TRAINER" = pytorch ]; then
    "${PY[@]}" prune --tp "$TP" --model "$OUT/baseline" --speed-up 2 --epochs "$FT_EPOCHS" --lr 0.01 --out "$OUT/torch-pruning" > "$OUT/torch-pruning.json"
  else
    "${PY[@]}" prune --tp "$TP" --model "$OUT/baseline" --speed-up 2 --epochs 0 --out "$OUT/torch-pruning-cut" > "$OUT/torch-pruning.json"
    E train --model "$OUT/torch-pruning-cut" --epochs "$FT_EPOCHS" --lr 0.01 "${SGD[@]}" --out "$OUT/torch-pruning" | tail -n 1
  fi
fi
FT=(--criterion l1 --target-flops 0.5 --finetune-epochs "$FT_EPOCHS" --lr 0.01 "${SGD[@]}")
names=(baseline torch-pruning)
IFS='|' read -r -a vs <<< "$VARIANTS"
for v in "${vs[@]}"; do
  name="${v%%:*}"; flags=""; [ "$name" = "$v" ] || flags="${v#*:}"
  names+=("topiary-$name")
  # shellcheck disable=SC2086
  fresh "$OUT/topiary-$name" && E prune --model "$OUT/baseline" "${FT[@]}" $flags --out "$OUT/topiary-$name" | grep -E "^(plan|Pruning plan|MACs)|reached" | head -n 2
done
echo
macs() { E count --model "$1" | awk '/^total/{gsub(",","",$0); n=0; for(i=1;i<=NF;i++) if ($i ~ /^[0-9]+$/) v[++n]=$i; print v[1], v[2]}'; }
top1() { E eval --model "$1" --threads "$THREADS" | sed -nE 's/.*top-1 ([0-9.]+).*/\1/p'; }
djl() { E latency --model "$1" --batches 1,32 --threads "$THREADS" --runs "$RUNS" --warmup 10 | awk '/^ *[0-9]+ /{printf "%s=%s ", $1, $2}'; }
eager() { /usr/bin/python3 -W ignore bench/torch_reference.py "$1/graph.json" --latency 1,32 --runs "$RUNS" --warmup 10 --threads "$THREADS" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin)["latency"]; print(" ".join(b + "=" + str(v["median_ms"]) for b, v in d.items()))'; }
declare -A MAC ACC PACC LAT
for n in "${names[@]}"; do
  MAC[$n]="$(macs "$OUT/$n")"; ACC[$n]="$(top1 "$OUT/$n")"
  PACC[$n]="$("${PY[@]}" eval --model "$OUT/$n" | python3 -c 'import json,sys; print(json.load(sys.stdin)["top1"])')"
done
for r in $(seq "$ROUNDS"); do
  for n in "${names[@]}"; do LAT[$n]+="djl $(djl "$OUT/$n")eager $(eager "$OUT/$n");"; done
done
for n in "${names[@]}"; do echo "$n|${MAC[$n]}|${ACC[$n]}|${PACC[$n]}|${LAT[$n]}"; done | python3 -c '
import statistics, sys
rows = [l.rstrip("\n").split("|") for l in sys.stdin]
base = rows[0]
bp, bm = (int(x) for x in base[1].split())
ba = float(base[2])
def lat(cell):
    out = {}
    for rnd in filter(None, cell.split(";")):
        kind = None
        for tok in rnd.split():
            if tok in ("djl", "eager"):
                kind = tok
            else:
                b, ms = tok.split("=")
                out.setdefault((kind, b), []).append(float(ms))
    return {k: statistics.median(v) for k, v in out.items()}
bl = lat(base[4])
print("| model | top-1 (Topiary / PyTorch eval) | drop (pt) | MACs | FLOPs -% | params | DJL b=1 ms | DJL b=32 ms | eager b=1 ms | eager b=32 ms |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, mp, acc, pacc, cell in rows:
    p, m = (int(x) for x in mp.split())
    l = lat(cell)
    cells = [f"{l[(k, b)]:.2f} (x{bl[(k, b)] / l[(k, b)]:.2f})" for k in ("djl", "eager") for b in ("1", "32")]
    print(f"| {name} | {100 * float(acc):.2f}% / {100 * float(pacc):.2f}% | {100 * (ba - float(acc)):.2f} | {m:,} | {100 * (1 - m / bm):.1f}% | {p:,} | " + " | ".join(cells) + " |")
'
echo
echo "# latency: median of $ROUNDS rounds (models in turns), each the median of $RUNS runs after 10 warm-up; (xN) = baseline / model"
echo "# total $(( $(date +%s) - t0 )) s; reproduce: TRAINER=$TRAINER VARIANTS='$VARIANTS' BASE_EPOCHS=$BASE_EPOCHS FT_EPOCHS=$FT_EPOCHS bench/accuracy-vs-tp.sh TP_DIR"
