package dev.topiary.pipeline.event;

import java.time.Instant;

/**
 * A step failed for good (its retries are spent, or the failure is not transient, such as an
 * invalid pruning configuration): the job ends. Nothing follows it.
 *
 * @param stage the stage whose step failed
 * @param errorType the exception's simple name, e.g. {@code InvalidPruningConfigException}
 * @param message the reason, naming the node, field or file, fit to show the user
 */
public record JobFailed(
    String jobId, int stepIndex, int attempt, Instant occurredAt,
    Stage stage, String errorType, String message) implements PipelineEvent {

  public JobFailed {
    Checks.header(jobId, stepIndex, attempt, occurredAt);
    Checks.required(stage, "stage");
    Checks.text(errorType, "errorType");
    Checks.text(message, "message");
  }
}
