#!/usr/bin/env bash
# Detector training throughput side by side (issue 15): Topiary's engine (`engine bench --task detection`)
# against PyTorch (`bench/torch_reference.py --task detection`, Debian's torch 1.13) on the same
# graph.json, batch, input size, targets and threads, runs interleaved per configuration.
# Both time YOLOv5 v7.0 train.py's iteration past its warm-up, data loading aside: forward, YOLOv5's
# loss (target assignment included), backward, and every round(64 / batch) iterations clip_grad_norm_(10),
# SGD (Nesterov, three groups), zero_grad and the EMA update; the timed phase runs a multiple of that many iterations.
# Usage: bench/detect/throughput.sh [ARCH:SIZE:BATCH ...]   (default: yolov5n:256:16 yolov5n:128:32 yolov5s:256:8)
# Env: ROUNDS (2), THREADS (2), INTEROP (1), CLASSES (10), TARGETS (4 per image), ITERS (8), WARMUP (2),
#      MIN_SECONDS (10), WARMUP_SECONDS (3), EMA (1; 0 leaves the EMA out on both sides), YOLOV5 (a YOLOv5 v7.0
#      checkout: PyTorch then runs YOLOv5's own ComputeLoss instead of the script's), PYTHON (/usr/bin/python3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-2}"; THREADS="${THREADS:-2}"; INTEROP="${INTEROP:-1}"; CLASSES="${CLASSES:-10}"; TARGETS="${TARGETS:-4}"
ITERS="${ITERS:-8}"; WARMUP="${WARMUP:-2}"; SECONDS_MIN="${MIN_SECONDS:-10}"; WARMUP_SECONDS="${WARMUP_SECONDS:-3}"; EMA="${EMA:-1}"
PY="${PYTHON:-/usr/bin/python3}"
CONFIGS=("$@"); [ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(yolov5n:256:16 yolov5n:128:32 yolov5s:256:8)
"$PY" -c "import torch" 2>/dev/null || { echo "needs Debian's python3-torch (apt-get install python3-torch libopenblas0-openmp)" >&2; exit 2; }
mkdir -p .bench/detect
ROWS="$(mktemp)"; trap 'rm -f "$ROWS"' EXIT
PROTO=(--threads "$THREADS" --interop "$INTEROP" --iters "$ITERS" --warmup "$WARMUP" --seconds "$SECONDS_MIN" --warmup-seconds "$WARMUP_SECONDS")
JEMA=(); PEMA=(); [ "$EMA" = 1 ] || { JEMA=(--no-ema); PEMA=(--no-ema); }
PLOSS=(); LOSS="torch_reference.py's YoloLoss"; [ -z "${YOLOV5:-}" ] || { PLOSS=(--yolov5 "$YOLOV5"); LOSS="YOLOv5's ComputeLoss from $YOLOV5"; }
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# threads $THREADS intra / $INTEROP inter; $CLASSES classes, $TARGETS targets per image; warm-up >= $WARMUP iterations and >= $WARMUP_SECONDS s,"
echo "# timed >= $ITERS iterations and >= $SECONDS_MIN s, a multiple of accumulate; EMA $EMA; PyTorch loss: $LOSS"
echo "# env: $(env | grep -E '^(OMP|GOMP|KMP|MKL|OPENBLAS|MALLOC)_' | sort | tr '\n' ' ')(inherited by both sides)"
printf "%-8s %5s %5s %5s %13s %13s %7s %9s %9s %7s %6s %6s %9s %s\n" model size batch round topiary_img_s torch_img_s ratio j_img_cpus p_img_cpus r_cpu iters_j iters_p jvm_peak load
for c in "${CONFIGS[@]}"; do
  IFS=: read -r arch size batch <<<"$c"
  graph=".bench/detect/$arch-$size.json"; targets=".bench/detect/$arch-$size-b$batch-targets.txt"
  ./topiary engine export-graph --arch "$arch" --classes "$CLASSES" --input "3,$size,$size" --out "$graph" >/dev/null 2>&1
  for r in $(seq 1 "$ROUNDS"); do
    j=$(./topiary engine bench --task detection --arch "$arch" --classes "$CLASSES" --input "3,$size,$size" --batch "$batch" \
      --targets-per-image "$TARGETS" --save-targets "$targets" "${JEMA[@]}" "${PROTO[@]}" 2>/dev/null | tail -n 1)
    p=$("$PY" -W ignore bench/torch_reference.py "$graph" --task detection --targets "$targets" --batch "$batch" "${PEMA[@]}" "${PLOSS[@]}" \
      "${PROTO[@]}" | tail -n 1)
    "$PY" - "$arch" "$size" "$batch" "$r" "$j" "$p" "$(cut -d' ' -f1 /proc/loadavg)" <<'PYEOF' | tee -a "$ROWS"
import json, sys
a, s, b, r, j, p, load = sys.argv[1:8]
j, p = json.loads(j), json.loads(p)
assert j["targets"] == p["targets"] and j["accumulate"] == p["accumulate"], (j, p)
print("%-8s %5s %5s %5s %13.2f %13.2f %7.2f %9.3f %9.3f %7.2f %6d %6d %5d MiB %s" % (a, s, b, r, j["train_img_s"], p["train_img_s"],
      j["train_img_s"] / p["train_img_s"], j["train_img_cpu_s"], p["train_img_cpu_s"], j["train_img_cpu_s"] / p["train_img_cpu_s"],
      j["train_iters"], p["train_iters"], j.get("peak_rss_mib", -1), load))
PYEOF
  done
done
# per configuration, the median of the per-round ratios (each round runs the two sides back to back), of the
# wall-clock images/s and of the images per CPU-second of each process (steadier when other jobs share the cores)
"$PY" - "$ROWS" <<'PYEOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault((f[0], f[1], f[2]), []).append((float(f[6]), float(f[9])))
for (a, s, b), r in rows.items():
    print("%-8s %5s %5s %5s %13s %13s %7.2f %9s %9s %7.2f   (rounds, wall: %s; cpu: %s)" % (a, s, b, "med", "", "", statistics.median(x[0] for x in r), "", "",
          statistics.median(x[1] for x in r), " ".join("%.2f" % x[0] for x in r), " ".join("%.2f" % x[1] for x in r)))
PYEOF
echo "# reproduce: bench/detect/throughput.sh ${CONFIGS[*]}  (ROUNDS=$ROUNDS THREADS=$THREADS INTEROP=$INTEROP CLASSES=$CLASSES TARGETS=$TARGETS ITERS=$ITERS WARMUP=$WARMUP MIN_SECONDS=$SECONDS_MIN WARMUP_SECONDS=$WARMUP_SECONDS EMA=$EMA${YOLOV5:+ YOLOV5=$YOLOV5})"
