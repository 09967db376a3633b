/**
 * Topiary's engine: pure Java over DJL, with no Quarkus, Kafka or MinIO (the build enforces it).
 *
 * <p>Sub-packages: {@code graph} (the model IR), {@code weights} (safetensors and parameter
 * storage), {@code exec} (one DJL block that runs any graph), {@code zoo} (graph builders),
 * {@code data} (dataset readers and transforms), {@code train} (SGD, schedules, masks,
 * checkpoints), {@code measure} (accuracy, parameters, FLOPs, latency, size) and {@code cli}.
 * The named exceptions of this package carry messages that name the node, field or file and the
 * reason.
 */
package dev.topiary.engine;
