#!/usr/bin/env bash
# Runs job specs of the tutorials' workflows (REPRODUCTIONS.md) through the local stack, one after
# the other, and keeps what each one measured: the report's table (text), the HTML report and the
# watch transcript, under bench/results/reproductions/ (or $OUT). Uses a running `./topiary local`,
# or starts one for the run and stops it at the end.
#   bench/reproduce.sh examples/paddle-static-stages-resnet20.yaml examples/nm-2of4-resnet20.yaml
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$ROOT/bench/results/reproductions}"
[ $# -ge 1 ] || { echo "usage: bench/reproduce.sh SPEC.yaml [SPEC.yaml ...]" >&2; exit 2; }
mkdir -p "$OUT"
echo "# $(date -u +%FT%TZ) $(uname -n), $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# bench/reproduce.sh $*"
stack=""
if ! "$ROOT/topiary" status >/dev/null 2>&1; then
  "$ROOT/topiary" local > "$OUT/local.log" 2>&1 &
  stack=$!
  trap 'kill -TERM "$stack" 2>/dev/null; wait "$stack" 2>/dev/null || true' EXIT
  for _ in $(seq 1 240); do
    "$ROOT/topiary" status >/dev/null 2>&1 && break
    kill -0 "$stack" 2>/dev/null || { echo "the local stack did not start: see $OUT/local.log" >&2; exit 1; }
    sleep 2
  done
fi
for spec in "$@"; do
  name="$(basename "$spec" .yaml)"
  start=$(date +%s)
  id="$("$ROOT/topiary" submit "$spec" | head -n 1)"
  "$ROOT/topiary" watch "$id" > "$OUT/$name.watch.txt" 2>&1 || true
  echo "## $name ($id, $(( $(date +%s) - start )) s)"
  "$ROOT/topiary" report "$id" --html "$OUT/$name.html" | tee "$OUT/$name.txt"
done
