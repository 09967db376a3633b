package dev.topiary.pipeline.event;

/**
 * What makes a unit of work unique: one attempt at one step of one job. Delivery is at least
 * once, so a consumer records the keys it has acted on and skips an event whose next step's key it
 * has seen. A retry of a failed step is the same step with {@code attempt + 1}, a new key.
 */
public record IdempotencyKey(String jobId, int stepIndex, int attempt) {
  public IdempotencyKey {
    JobIds.check(jobId);
    if (stepIndex < 0) {
      throw new IllegalArgumentException("stepIndex: must be >= 0, got " + stepIndex);
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt: must be >= 1, got " + attempt);
    }
  }

  /** The key of an event: the step attempt that produced it. */
  public static IdempotencyKey of(PipelineEvent e) {
    return new IdempotencyKey(e.jobId(), e.stepIndex(), e.attempt());
  }

  /** The key of the first attempt at a step. */
  public static IdempotencyKey firstAttempt(String jobId, int stepIndex) {
    return new IdempotencyKey(jobId, stepIndex, 1);
  }

  /** {@code <jobId>/<stepIndex>/<attempt>}: usable as a store key suffix or a dedup-table key. */
  @Override
  public String toString() {
    return jobId + "/" + stepIndex + "/" + attempt;
  }
}
