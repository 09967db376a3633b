package dev.topiary.pipeline.event;

import java.time.Instant;

/**
 * Someone cancelled the job. Nothing follows it; a step already running finishes, but its event
 * starts nothing (services check the job's cancellation before starting a step).
 *
 * @param stepIndex the last step the canceller knew to be done (0 if none)
 * @param reason why, as given
 * @param requestedBy who asked, when known
 */
public record JobCancelled(
    String jobId, int stepIndex, int attempt, Instant occurredAt,
    String reason, @Nullable String requestedBy) implements PipelineEvent {

  public JobCancelled {
    Checks.header(jobId, stepIndex, attempt, occurredAt);
    Checks.text(reason, "reason");
  }
}
