package dev.topiary.pipeline.event;

import dev.topiary.pipeline.store.ArtifactRef;
import java.time.Instant;

/**
 * The rank stage scored every prunable channel group of the current model with a criterion; the
 * scores file is {@code artifacts.scores}.
 *
 * @param criterion the criterion's name ({@code hrank}, {@code l1}, ...)
 * @param groups the number of groups scored
 */
public record RankComputed(
    String jobId, int stepIndex, int attempt, Instant occurredAt, ArtifactRef plan, Artifacts artifacts,
    String criterion, int groups) implements StepEvent {

  public RankComputed {
    Checks.header(jobId, stepIndex, attempt, occurredAt);
    Checks.step(plan, artifacts, true);
    if (artifacts.scores() == null) {
      throw new IllegalArgumentException("artifacts.scores: required: the scores just computed");
    }
    Checks.text(criterion, "criterion");
    if (groups < 0) {
      throw new IllegalArgumentException("groups: must be >= 0, got " + groups);
    }
  }

  /** The scores file: {@code artifacts().scores()}. */
  public ArtifactRef scores() {
    return artifacts.scores();
  }
}
