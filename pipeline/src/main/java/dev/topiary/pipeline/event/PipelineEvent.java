package dev.topiary.pipeline.event;

import java.time.Instant;

/**
 * A fact about a job, published with the job id as the Kafka key so that one job's events stay in
 * order on their topic. Implementations are immutable records validated on construction: a
 * malformed event cannot be built, nor read by {@link EventCodec}.
 *
 * <p>Invariants: {@code jobId} is a {@link JobIds valid id}; {@code stepIndex >= 0} (0 is the
 * submission, plan steps count from 1); {@code attempt >= 1}.
 */
public sealed interface PipelineEvent permits StepEvent, JobFailed, JobCancelled {
  String jobId();

  /** The plan step this event reports on; 0 for the submission. */
  int stepIndex();

  /** Which attempt at the step produced the event, from 1. */
  int attempt();

  /** When the fact happened (UTC), as the emitting service saw it. */
  Instant occurredAt();

  default EventType type() {
    return EventType.of(getClass());
  }

  default IdempotencyKey idempotencyKey() {
    return IdempotencyKey.of(this);
  }
}
