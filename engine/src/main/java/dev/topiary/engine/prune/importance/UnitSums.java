package dev.topiary.engine.prune.importance;

import dev.topiary.engine.prune.ChannelGroup;
import java.util.List;

/** Turns per-channel statistics of a group's members into one score per unit, by summing. */
final class UnitSums {
  private UnitSums() {}

  /** A per-channel statistic of one space (node output) of a group. */
  record Member(String space, double[] perChannel) {}

  /**
   * For each unit, the sum over the members of the statistic at every index the unit has in the
   * member's space.
   *
   * @throws IllegalStateException when a member's space is not in the group (a caller bug)
   */
  static float[] of(ChannelGroup group, List<Member> members) {
    double[] sums = new double[group.units()];
    for (Member m : members) {
      int[][] idx = group.indices().get(m.space());
      if (idx == null) {
        throw new IllegalStateException("space '" + m.space() + "' is not a member of group " + group.name());
      }
      for (int u = 0; u < sums.length; u++) {
        for (int i : idx[u]) {
          sums[u] += m.perChannel()[i];
        }
      }
    }
    float[] out = new float[sums.length];
    for (int u = 0; u < out.length; u++) {
      out[u] = (float) sums[u];
    }
    return out;
  }
}
