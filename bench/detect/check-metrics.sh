#!/usr/bin/env bash
# Topiary's decoding, NMS and mAP against torchvision's batched_nms and pycocotools' COCOeval, on the
# same seeded inputs (see check_metrics.py).
# Usage: bench/detect/check-metrics.sh PYCOCOTOOLS_DIR [WORK_DIR (default /tmp/detect-check)] [SEED (default 0)]
#   PYCOCOTOOLS_DIR: cocoapi's PythonAPI folder from a scratch checkout (its _mask extension need not be built)
set -euo pipefail
COCO="$(cd "${1:?usage: check-metrics.sh PYCOCOTOOLS_DIR [WORK_DIR] [SEED]}" && pwd)"
WORK="${2:-/tmp/detect-check}"
SEED="${3:-0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$ROOT/topiary" engine check-detection-metrics --out "$WORK" --seed "$SEED" 2>&1 | grep -v -e CudaUtils -e LegacyTypeDispatch -e "INFO ai.djl"
/usr/bin/python3 "$ROOT/bench/detect/check_metrics.py" "$COCO" "$WORK"
echo "reproduce: bench/detect/check-metrics.sh $COCO $WORK $SEED"
