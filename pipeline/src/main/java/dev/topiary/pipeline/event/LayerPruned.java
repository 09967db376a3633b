package dev.topiary.pipeline.event;

import dev.topiary.pipeline.store.ArtifactRef;
import java.time.Instant;
import java.util.List;

/**
 * The prune stage cut the current model: channel groups removed by surgery (one group for a
 * layer-by-layer step, several for a one-shot cut), or weights zeroed by masks (unstructured, N:M;
 * then {@code artifacts.masks} is set and {@code groups} is empty). {@code artifacts.model} is the
 * result.
 *
 * @param groups the groups cut, in group order; each lost at least one channel
 * @param paramsAfter learnable parameters of the result
 * @param macsAfter multiply-accumulates per image of the result
 * @param sparsity fraction of the prunable weights that are zero after masking; null for channel
 *     pruning
 */
public record LayerPruned(
    String jobId, int stepIndex, int attempt, Instant occurredAt, ArtifactRef plan, Artifacts artifacts,
    List<GroupCut> groups, long paramsAfter, long macsAfter, @Nullable Double sparsity) implements StepEvent {

  /**
   * One group's cut.
   *
   * @param group the group's name (its first producer node, e.g. {@code layer1.0.conv1})
   */
  public record GroupCut(String group, int channelsBefore, int channelsAfter) {
    public GroupCut {
      Checks.text(group, "group");
      if (channelsAfter < 1 || channelsAfter >= channelsBefore) {
        throw new IllegalArgumentException("channelsAfter: must be in [1, channelsBefore = " + channelsBefore + "), got " + channelsAfter);
      }
    }
  }

  public LayerPruned {
    Checks.header(jobId, stepIndex, attempt, occurredAt);
    Checks.step(plan, artifacts, true);
    groups = Checks.list(groups, "groups");
    Checks.nonNegative(paramsAfter, "paramsAfter");
    Checks.nonNegative(macsAfter, "macsAfter");
    if (sparsity != null) {
      Checks.fraction(sparsity, "sparsity");
      if (artifacts.masks() == null) {
        throw new IllegalArgumentException("artifacts.masks: required when sparsity is given");
      }
    }
  }
}
