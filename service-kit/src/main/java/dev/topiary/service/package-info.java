/**
 * What the stage services share, as CDI beans over the framework-free {@code dev.topiary.pipeline}
 * runners: the artifact store and stage context built from configuration ({@link StoreConfig},
 * {@link StageConfig}), the Kafka consumer that hands each event to the service's {@code
 * StageRunner} and publishes what it emits ({@link StageConsumer}, {@link EventPublisher}), stage
 * metrics ({@link StageMetrics}), a store readiness check and topic creation at start-up. A stage
 * service is this kit plus one producer of its runner and its {@code application.properties}.
 */
package dev.topiary.service;
