package dev.topiary.pipeline.event;

import dev.topiary.pipeline.store.ArtifactRef;
import java.time.Instant;

/**
 * A job was accepted: its spec validated and compiled into a plan, both stored. Step 0; the plan's
 * step 1 follows.
 *
 * @param name the spec's name, for dashboards
 * @param totalSteps the number of plan steps, for progress bars
 * @param plan the stored {@code plan.json} (which embeds the spec)
 * @param artifacts the model when the spec gave one (graph and weights); {@link Artifacts#NONE}
 *     when the first step builds it from the zoo
 * @param tenant who submitted the job (the gateway's tenant of the caller's token); null for jobs
 *     submitted outside the gateway. Additive field: readers of version 1 without it ignore it
 * @param requestId the key of the {@code Topics#JOB_REQUESTS} record that asked for the job; null
 *     for REST and in-process submissions. Additive field
 */
public record JobSubmitted(
    String jobId, int stepIndex, int attempt, Instant occurredAt,
    String name, int totalSteps, ArtifactRef plan, Artifacts artifacts,
    @Nullable String tenant, @Nullable String requestId) implements StepEvent {

  public JobSubmitted {
    Checks.header(jobId, stepIndex, attempt, occurredAt);
    if (stepIndex != 0) {
      throw new IllegalArgumentException("stepIndex: a submission is step 0, got " + stepIndex);
    }
    Checks.text(name, "name");
    if (totalSteps < 1) {
      throw new IllegalArgumentException("totalSteps: must be >= 1, got " + totalSteps);
    }
    Checks.step(plan, artifacts, false);
    if (tenant != null) {
      Checks.text(tenant, "tenant");
    }
    if (requestId != null) {
      Checks.text(requestId, "requestId");
    }
  }

  /** A submission with no tenant and no request (in-process jobs, tests). */
  public JobSubmitted(String jobId, int stepIndex, int attempt, Instant occurredAt, String name, int totalSteps,
      ArtifactRef plan, Artifacts artifacts) {
    this(jobId, stepIndex, attempt, occurredAt, name, totalSteps, plan, artifacts, null, null);
  }
}
