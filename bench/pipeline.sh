#!/usr/bin/env bash
# Pipeline benchmarks (issue 4) on the local stack: a LeNet-5 job (baseline training, L1 one-shot
# to 50% FLOPs, one fine-tune epoch, two evaluations) through the four service processes over Kafka
# vs the same steps in one process on the same store, alternated; event hop latency p50/p99;
# artifact put/get throughput. Target: overhead under 5% for a job whose compute takes minutes.
# Usage: bench/pipeline.sh [--train-limit N] [--epochs E] [--rounds R] [--warmup-rounds W] [--hops H] [--artifact-mib M]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ ! -f local/target/lib/picocli-4.7.7.jar ] || [ ! -f rank-service/target/quarkus-app/quarkus-run.jar ]; then
  ./mvnw -q -B -ntp -DskipTests package -pl local -am
fi
export MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=268435456
echo "# bench/pipeline.sh $*"
exec java ${BENCH_JAVA_OPTS:-} -Dai.djl.offline=true -Xmx2g -cp "$(ls local/target/topiary-local-*.jar | grep -v tests | head -1):local/target/lib/*" \
  dev.topiary.local.bench.PipelineBench --root "$ROOT" "$@"
