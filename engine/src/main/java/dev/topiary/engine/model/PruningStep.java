package dev.topiary.engine.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One surgery step of a model's pruning history: the channels removed from a group, named by a
 * node that produces the group's channels and the indices of that node's output channels, as they
 * were numbered just before the step. Replaying every step on the original graph reproduces the
 * pruned model exactly.
 *
 * @param node a producer (Conv or Gemm) of the group, in the graph as it was before this step
 * @param removed ascending output-channel indices of {@code node} that were removed
 * @param note free text: criterion, ratio, schedule stage (not used by replay)
 */
public record PruningStep(String node, int[] removed, String note) {
  public PruningStep {
    Objects.requireNonNull(node, "node");
    removed = removed.clone();
    for (int i = 0; i < removed.length; i++) {
      if (removed[i] < 0 || (i > 0 && removed[i] <= removed[i - 1])) {
        throw new IllegalArgumentException("removed channels of '" + node + "' must be distinct, ascending and >= 0: " + Arrays.toString(removed));
      }
    }
    note = note == null ? "" : note;
  }

  @Override
  public int[] removed() {
    return removed.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PruningStep p && node.equals(p.node) && Arrays.equals(removed, p.removed) && note.equals(p.note);
  }

  @Override
  public int hashCode() {
    return Objects.hash(node, Arrays.hashCode(removed), note);
  }

  @Override
  public String toString() {
    return node + " -" + Arrays.toString(removed) + (note.isEmpty() ? "" : " (" + note + ")");
  }
}
