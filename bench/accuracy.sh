#!/usr/bin/env bash
# Accuracy after pruning and fine-tuning on Fashion-MNIST: ResNet-20 (CIFAR-style, 1x28x28 input)
# trained to a baseline, then cut to about half its FLOPs three ways and fine-tuned the same way:
#   L1 norm (one-shot, --target-flops), HRank (one-shot, --target-flops, 5 batches of 128 for ranks),
#   network slimming (sparsity training on BN gamma, global threshold at PERCENT of channels);
#   l1-roundN (e.g. l1-round8, l1-round16): L1 norm with kept channel counts rounded to a multiple of N
#   (the issue 18 default question); l1 and hrank keep the counts as they fall (--round-to 1).
# Usage: bench/accuracy.sh   Env: TRAIN (20000) TEST (10000) BASE_EPOCHS (5) FT_EPOCHS (3) SR_EPOCHS (3)
#        BASE_LR (0.1) FT_LR (0.02) SR (1e-4) PERCENT (0.3) TARGET (0.5) THREADS (2)
#        METHODS ("l1 hrank slimming"; also l1-roundN: the cuts to run) KEEP_BASELINE (0; 1 reuses .bench/accuracy/baseline)
#        INPUT (1,28,28; 3,32,32 pads and replicates the images) SHORTCUT (A; B: 1x1 conv + BN)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TRAIN="${TRAIN:-20000}"; TEST="${TEST:-10000}"; BASE_EPOCHS="${BASE_EPOCHS:-5}"; FT_EPOCHS="${FT_EPOCHS:-3}"; SR_EPOCHS="${SR_EPOCHS:-3}"
BASE_LR="${BASE_LR:-0.1}"; FT_LR="${FT_LR:-0.02}"; SR="${SR:-1e-4}"; PERCENT="${PERCENT:-0.3}"; TARGET="${TARGET:-0.5}"; THREADS="${THREADS:-2}"
METHODS="${METHODS:-l1 hrank slimming}"; KEEP_BASELINE="${KEEP_BASELINE:-0}"; INPUT="${INPUT:-1,28,28}"; SHORTCUT="${SHORTCUT:-A}"
OUT=.bench/accuracy; mkdir -p "$OUT"
DATA=(--train-limit "$TRAIN" --test-limit "$TEST" --threads "$THREADS")
E() { ./topiary engine "$@" 2>/dev/null; }
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# Fashion-MNIST: first $TRAIN training images, first $TEST test images; ResNet-20 option $SHORTCUT, input $INPUT (the images fitted to it)"
t0=$(date +%s)
if [ "$KEEP_BASELINE" = 1 ] && [ -d "$OUT/baseline" ]; then
  echo "# reusing the baseline in $OUT/baseline (KEEP_BASELINE=1)"
else
  E train --arch resnet20 --input "$INPUT" --shortcut "$SHORTCUT" "${DATA[@]}" --epochs "$BASE_EPOCHS" --lr "$BASE_LR" --schedule cosine --out "$OUT/baseline" | tail -n 1
fi
FT=(--finetune-epochs "$FT_EPOCHS" --lr "$FT_LR" --schedule cosine "${DATA[@]}")
for m in $METHODS; do
  case "$m" in
    l1) E prune --model "$OUT/baseline" --criterion l1 --target-flops "$TARGET" --round-to 1 "${FT[@]}" --out "$OUT/l1" | tail -n 3 ;;
    l1-round*) E prune --model "$OUT/baseline" --criterion l1 --target-flops "$TARGET" --round-to "${m#l1-round}" "${FT[@]}" --out "$OUT/$m" | tail -n 3 ;;
    hrank)
      E rank --model "$OUT/baseline" --criterion hrank --limit 5 --batch 128 "${DATA[@]}" --out "$OUT/hrank.json" | tail -n 1
      E prune --model "$OUT/baseline" --scores "$OUT/hrank.json" --target-flops "$TARGET" --round-to 1 "${FT[@]}" --out "$OUT/hrank" | tail -n 3 ;;
    slimming)
      E schedule --model "$OUT/baseline" --mode slimming --sr "$SR" --sr-decay --sparsity-epochs "$SR_EPOCHS" --percent "$PERCENT" \
        --finetune-epochs "$FT_EPOCHS" --lr "$FT_LR" "${DATA[@]}" --out "$OUT/slimming" | tail -n 3 ;;
    *) echo "METHODS: unknown method '$m' (l1, l1-roundN, hrank or slimming)" >&2; exit 2 ;;
  esac
done
echo
printf "%-10s %10s %12s %9s %9s\n" model top-1 MACs "FLOPs -%" "drop pt"
base=$(E eval --model "$OUT/baseline" "${DATA[@]}" | sed -E 's/.*top-1 ([0-9.]+).*/\1/')
bmacs=$(E count --model "$OUT/baseline" | awk '/^total/{gsub(",","",$0); for(i=1;i<=NF;i++) if ($i ~ /^[0-9]+$/) v=$i; print v}')
for m in baseline $METHODS; do
  acc=$(E eval --model "$OUT/$m" "${DATA[@]}" | sed -E 's/.*top-1 ([0-9.]+).*/\1/')
  macs=$(E count --model "$OUT/$m" | awk '/^total/{gsub(",","",$0); for(i=1;i<=NF;i++) if ($i ~ /^[0-9]+$/) v=$i; print v}')
  python3 -c "import sys; b,a,bm,m=float(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]),int(sys.argv[4]); print('%-10s %9.2f%% %12s %8.1f%% %9.2f' % (sys.argv[5], 100*a, format(m, ','), 100*(1-m/bm), 100*(b-a)))" "$base" "$acc" "$bmacs" "$macs" "$m"
done
echo "# baseline: $BASE_EPOCHS epochs SGD lr $BASE_LR momentum 0.9 wd 5e-4 cosine, batch 128; fine-tune: $FT_EPOCHS epochs lr $FT_LR cosine"
echo "# slimming: sparsity training $SR_EPOCHS epochs, sr $SR decaying, percent $PERCENT; total $(( $(date +%s) - t0 )) s"
echo "# reproduce: bench/accuracy.sh  (METHODS='$METHODS' INPUT=$INPUT SHORTCUT=$SHORTCUT TRAIN=$TRAIN TEST=$TEST BASE_EPOCHS=$BASE_EPOCHS FT_EPOCHS=$FT_EPOCHS SR_EPOCHS=$SR_EPOCHS BASE_LR=$BASE_LR FT_LR=$FT_LR SR=$SR PERCENT=$PERCENT TARGET=$TARGET)"
