package dev.topiary.engine.prune.select;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Checks of the scores handed to a selector, and the order of units they give. */
public final class Scores {
  private Scores() {}

  /**
   * Checks that every key is a group of {@code deps}, every array has one finite value per unit,
   * and that each of the {@code needed} groups has scores.
   */
  static void check(DependencyGraph deps, Map<Integer, float[]> scores, Collection<ChannelGroup> needed) {
    List<ChannelGroup> groups = deps.groups();
    for (Map.Entry<Integer, float[]> e : scores.entrySet()) {
      int id = e.getKey();
      if (id < 0 || id >= groups.size()) {
        throw new InvalidPruningConfigException("scores given for group #" + id + ", but graph '" + deps.graph().name() + "' has groups #0 to #" + (groups.size() - 1));
      }
      ChannelGroup g = groups.get(id);
      float[] s = e.getValue();
      if (s == null || s.length != g.units()) {
        throw new InvalidPruningConfigException("scores for group #" + id + " (" + g.name() + ") have " + (s == null ? "no" : s.length)
            + " values, expected " + g.units() + " (one per unit)");
      }
      for (int i = 0; i < s.length; i++) {
        if (!Float.isFinite(s[i])) {
          throw new InvalidPruningConfigException("score of unit " + i + " of group #" + id + " (" + g.name() + ") is " + s[i]);
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (ChannelGroup g : needed) {
      if (!scores.containsKey(g.id())) {
        missing.add("#" + g.id() + " (" + g.name() + ")");
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidPruningConfigException("no importance scores for group(s) " + String.join(", ", missing));
    }
  }

  /** The units of a group from least to most important, ties to the lower index. */
  static int[] ascending(float[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparingInt(i -> i));
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  /** The {@code count} least important units, ascending by index. */
  public static int[] lowest(float[] scores, int count) {
    int[] pick = Arrays.copyOf(ascending(scores), count);
    Arrays.sort(pick);
    return pick;
  }
}
