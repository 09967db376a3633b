package dev.topiary.engine.prune.select;

import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All units of all prunable groups in one order, least important first: by normalised score, ties
 * to the lower group id, then the lower unit. Inside a group this is the order of its raw scores
 * (normalising divides by a positive number), so the k globally lowest units of a group are its k
 * lowest-scored ones.
 */
final class GlobalRanking {
  private final List<ChannelGroup> groups;
  private final Map<Integer, float[]> scores;
  private final int[] groupOfRank;

  private GlobalRanking(List<ChannelGroup> groups, Map<Integer, float[]> scores, int[] groupOfRank) {
    this.groups = groups;
    this.scores = scores;
    this.groupOfRank = groupOfRank;
  }

  /** Ranks the units of every prunable group, each of which must have scores. */
  static GlobalRanking of(DependencyGraph deps, Map<Integer, float[]> scores, Normalization norm) {
    List<ChannelGroup> groups = deps.prunableGroups();
    Scores.check(deps, scores, groups);
    int total = groups.stream().mapToInt(ChannelGroup::units).sum();
    double[] key = new double[total];
    int[] group = new int[total];
    int[] unit = new int[total];
    int i = 0;
    for (int gi = 0; gi < groups.size(); gi++) {
      double[] normalised = norm.apply(scores.get(groups.get(gi).id()));
      for (int u = 0; u < normalised.length; u++, i++) {
        key[i] = normalised[u];
        group[i] = gi;
        unit[i] = u;
      }
    }
    Integer[] order = new Integer[total];
    for (int k = 0; k < total; k++) {
      order[k] = k;
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(k -> key[k]).thenComparingInt(k -> group[k]).thenComparingInt(k -> unit[k]));
    int[] groupOfRank = new int[total];
    for (int r = 0; r < total; r++) {
      groupOfRank[r] = group[order[r]];
    }
    return new GlobalRanking(groups, scores, groupOfRank);
  }

  /** Units ranked. */
  int size() {
    return groupOfRank.length;
  }

  /** The count each group keeps when the {@code k} globally lowest units go, under the constraints. */
  Map<ChannelGroup, Integer> kept(int k, ChannelConstraints constraints) {
    int[] removed = new int[groups.size()];
    for (int r = 0; r < k; r++) {
      removed[groupOfRank[r]]++;
    }
    Map<ChannelGroup, Integer> kept = new LinkedHashMap<>();
    for (int gi = 0; gi < groups.size(); gi++) {
      ChannelGroup g = groups.get(gi);
      kept.put(g, constraints.kept(g.units(), g.units() - removed[gi]));
    }
    return kept;
  }

  /** The lowest-scored units of each group down to its kept count. */
  Map<ChannelGroup, int[]> removed(Map<ChannelGroup, Integer> kept) {
    Map<ChannelGroup, int[]> out = new LinkedHashMap<>();
    kept.forEach((g, k) -> out.put(g, Scores.lowest(scores.get(g.id()), g.units() - k)));
    return out;
  }
}
