#!/usr/bin/env bash
# Topiary's HRank scoring beside HRank's own rank_generation.py, same model and images (see README.md).
# Usage: bench/hrank/run.sh [HRANK_CHECKOUT (default /tmp/hrank)] [WORK_DIR (default /tmp/hrank-bench)]
set -euo pipefail
HRANK="$(cd "${1:-/tmp/hrank}" && pwd)"
WORK="${2:-/tmp/hrank-bench}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/hrank"
topiary() { "$ROOT/topiary" engine "$@" --threads 2 --interop 1 2>&1 | grep -v -e CudaUtils -e LegacyTypeDispatch; }
hrank() { /usr/bin/python3 "$HERE/run_hrank.py" --hrank "$HRANK" --threads 2 --interop 1 "$@" 2>&1 | grep -v -e UserWarning -e "^  "; }
mkdir -p "$WORK/models"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# env: $(env | grep -E '^(OMP|GOMP|KMP|MKL|OPENBLAS|MALLOC)_' | sort | tr '\n' ' ')(the variables that change threading and allocation, inherited by both sides)"

# 1. briefly trained models (2 epochs on 4096 Fashion-MNIST images), kept between runs
for arch in resnet56 vgg16-bn; do
  [ -d "$WORK/models/$arch" ] || topiary train --arch "$arch" --input 3,32,32 --train-limit 4096 --test-limit 1024 \
    --batch 64 --epochs 2 --lr 0.05 --seed 0 --out "$WORK/models/$arch"
done

# 2. Topiary: model, batches and ranks written, scoring timed (1 warm-up, 5 timed calls)
RELU2="$(python3 -c "print(','.join('layer%d.%d.relu2' % (s, b) for s in (1, 2, 3) for b in range(9)))")"
uptime
topiary bench-hrank --model "$WORK/models/resnet56" --batches 5 --batch 128 --warmup 1 --repeats 5 --out "$WORK/resnet56" --also "$RELU2"
topiary bench-hrank --model "$WORK/models/vgg16-bn" --batches 5 --batch 128 --warmup 1 --repeats 5 --out "$WORK/vgg16-bn" \
  --also features.pool2,features.pool5,features.pool9,features.pool13

# 3. HRank's rank_generation.py on the same weights and batches (VGG: as shipped, and hooking every conv's ReLU)
uptime
hrank --bench "$WORK/resnet56" --arch resnet_56
hrank --bench "$WORK/vgg16-bn" --arch vgg_16_bn
hrank --bench "$WORK/vgg16-bn" --arch vgg_16_bn --relucfg conv
uptime

# 4. agreement and speed
for b in "resnet56 hrank.json" "vgg16-bn hrank.json" "vgg16-bn hrank-conv.json"; do
  set -- $b
  echo "== $1, $2"
  python3 "$HERE/compare.py" "$WORK/$1" "$2"
done
