/**
 * Pipeline benchmarks on the local stack (issue 4): {@link PipelineBench} measures the overhead of
 * running a job through the four service processes over Kafka against the same steps in one
 * process, the event hop latency of the broker, and artifact put/get throughput of the store.
 * Run through {@code bench/pipeline.sh}.
 */
package dev.topiary.local.bench;
