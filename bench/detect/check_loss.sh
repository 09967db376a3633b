#!/usr/bin/env bash
# Topiary's YoloLoss beside YOLOv5's own ComputeLoss on the same random head maps and targets.
# Usage: bench/detect/check_loss.sh YOLOV5_DIR
#   YOLOV5_DIR: ultralytics/yolov5 at tag v7.0 (loss.py as v6.2), e.g.
#   git --git-dir=<mirror> archive v7.0 | tar -x -C /tmp/yolov5
# Writes the fixture to engine/src/test/resources/detect/yolov5-loss (the same seeds give the same
# bytes, so git diff shows whether YOLOv5's figures moved) and runs YoloLossReferenceTest on it:
# loss parts within 1e-4 relative, every map gradient within 1e-4 of the largest.
set -euo pipefail
YOLOV5="$(cd "${1:?usage: check_loss.sh YOLOV5_DIR}" && pwd)"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
/usr/bin/python3 "$ROOT/bench/detect/check_loss.py" "$YOLOV5" "$ROOT/engine/src/test/resources/detect/yolov5-loss"
cd "$ROOT"
./mvnw -B -o -q -pl engine test -Dtest=YoloLossReferenceTest -Dsurefire.failIfNoSpecifiedTests=false
git status --short engine/src/test/resources/detect/yolov5-loss
echo "YoloLoss matches YOLOv5's ComputeLoss on every case"
