package dev.topiary.pipeline.event;

import dev.topiary.pipeline.store.ArtifactRef;
import java.time.Instant;

/**
 * The rank stage scored every prunable channel group of the current model with a criterion; the
 * scores file is {@code artifacts.scores}. A sensitivity step also analysed the model and chose the
 * per-group cut ({@code sensitivity}).
 *
 * @param criterion the criterion's name ({@code hrank}, {@code l1}, ...)
 * @param groups the number of groups scored
 * @param sensitivity a sensitivity step's curves, plot and choice; null for a plain rank step (an
 *     additive field, schema version 1 kept)
 */
public record RankComputed(
    String jobId, int stepIndex, int attempt, Instant occurredAt, ArtifactRef plan, Artifacts artifacts,
    String criterion, int groups, @Nullable Sensitivity sensitivity) implements StepEvent {

  /**
   * A sensitivity analysis and the cut chosen from it.
   *
   * @param curves the {@code topiary-sensitivity} file: every group's accuracy drop per ratio, and the choice
   * @param plot the curves as an SVG line plot
   * @param baselineTop1 the analysed model's top-1 on the probe images
   * @param macsReduction the fraction of the MACs the chosen cut removes (at least the target)
   * @param groupsCut how many groups the choice cuts
   */
  public record Sensitivity(ArtifactRef curves, ArtifactRef plot, double baselineTop1, double macsReduction, int groupsCut) {
    public Sensitivity {
      Checks.required(curves, "curves");
      Checks.required(plot, "plot");
      Checks.fraction(baselineTop1, "baselineTop1");
      Checks.fraction(macsReduction, "macsReduction");
      if (groupsCut < 0) {
        throw new IllegalArgumentException("groupsCut: must be >= 0, got " + groupsCut);
      }
    }
  }

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

  /** A plain rank step's event: no sensitivity analysis. */
  public RankComputed(String jobId, int stepIndex, int attempt, Instant occurredAt, ArtifactRef plan, Artifacts artifacts, String criterion,
      int groups) {
    this(jobId, stepIndex, attempt, occurredAt, plan, artifacts, criterion, groups, null);
  }

  /** The scores file: {@code artifacts().scores()}. */
  public ArtifactRef scores() {
    return artifacts.scores();
  }
}
