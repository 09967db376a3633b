#!/usr/bin/env bash
# Load run (issue 16) on the local stack: --instances instances of every stage service in their
# consumer groups, --jobs small LeNet-5 jobs (train, evaluate, rank, cut, fine-tune, evaluate)
# submitted at once by --tenants tenants through the gateway. Prints jobs per minute, submission
# latency and event-to-gateway-stream delay (p50, p99), each service's peak RSS, the consumer lag
# over time (CSV and SVG under --run-dir), and the scale-from-zero wait of the fine-tune stage.
# Usage: bench/load.sh [--jobs 100] [--tenants 3] [--instances 2] [--submitters 16] [--run-dir .bench/load]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ ! -f local/target/lib/picocli-4.7.7.jar ] || [ ! -f rank-service/target/quarkus-app/quarkus-run.jar ]; then
  ./mvnw -q -B -ntp -DskipTests package -pl local -am
fi
export MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=268435456
exec java ${BENCH_JAVA_OPTS:-} -Dai.djl.offline=true -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$(ls local/target/topiary-local-*.jar | grep -v tests | head -1):local/target/lib/*" \
  dev.topiary.local.bench.LoadBench --root "$ROOT" "$@"
