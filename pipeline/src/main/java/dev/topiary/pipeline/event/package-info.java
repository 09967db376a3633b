/**
 * The pipeline's events: immutable, versioned records of facts, keyed by job id.
 *
 * <p>{@link dev.topiary.pipeline.event.PipelineEvent} is a sealed hierarchy: the step events
 * ({@link dev.topiary.pipeline.event.JobSubmitted}, {@link dev.topiary.pipeline.event.RankComputed},
 * {@link dev.topiary.pipeline.event.LayerPruned}, {@link dev.topiary.pipeline.event.EpochTuned},
 * {@link dev.topiary.pipeline.event.ModelEvaluated}) report a step's work and carry the job plan's
 * reference and the job's current {@link dev.topiary.pipeline.event.Artifacts}; {@link
 * dev.topiary.pipeline.event.JobFailed} and {@link dev.topiary.pipeline.event.JobCancelled} end a
 * job. Every event carries the job id, the step index and the attempt; together they are its
 * {@link dev.topiary.pipeline.event.IdempotencyKey}. Payloads hold references to stored artifacts,
 * never tensors.
 *
 * <p>{@link dev.topiary.pipeline.event.EventCodec} is the one JSON form (a {@code type} field and a
 * {@code schemaVersion}); {@link dev.topiary.pipeline.event.Topics} names every topic; {@link
 * dev.topiary.pipeline.event.Stage} says which service runs a step and which event ends it. Plain
 * Java and Jackson: Kafka (de)serializers are thin adapters in the services.
 */
package dev.topiary.pipeline.event;
