package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.HashSet;
import java.util.Set;

/**
 * How network slimming's global threshold turns into cuts, per group: keep at least {@code minKept}
 * channels and at least {@code minKeptFraction} of them, round the kept count up to a multiple of
 * {@code roundTo} (tensor cores and vector units like multiples of 8; never more than the group
 * has), and optionally leave shortcut channels alone as the seed's yolov5prune does.
 *
 * <p>{@code skipShortcuts}: the seed skips every BatchNorm of a bottleneck with a shortcut. Here that
 * is said without naming any block: a group coupled through an {@code Add} (a residual group), and a
 * group inside a residual branch (each producer reads a residual group's tensor and each consumer
 * writes into one), are not cut. Without it, Topiary prunes residual groups correctly, scoring a
 * channel over every BatchNorm that feeds the Add.
 */
public record SlimmingCut(int minKept, double minKeptFraction, int roundTo, boolean skipShortcuts) {
  /** No floor, no rounding, shortcuts pruned: a percent that would empty a group is refused. */
  public static final SlimmingCut NONE = new SlimmingCut(0, 0, 1, false);

  public SlimmingCut {
    if (minKept < 0) {
      throw new InvalidPruningConfigException("minKept: must be >= 0, got " + minKept);
    }
    if (!(minKeptFraction >= 0 && minKeptFraction <= 1)) {
      throw new InvalidPruningConfigException("minKeptFraction: must be in [0, 1], got " + minKeptFraction);
    }
    if (roundTo < 1) {
      throw new InvalidPruningConfigException("roundTo: must be >= 1, got " + roundTo);
    }
  }

  /** Whether any group is protected from being emptied. */
  boolean hasFloor() {
    return minKept > 0 || minKeptFraction > 0 || roundTo > 1;
  }

  /** Channels to keep in a group of {@code units} when the threshold keeps {@code keptByThreshold}. */
  int kept(int units, int keptByThreshold) {
    int keep = Math.max(keptByThreshold, Math.max(minKept, (int) Math.ceil(minKeptFraction * units)));
    if (hasFloor()) {
      keep = Math.max(keep, 1); // a floor of any kind never empties a group
    }
    if (roundTo > 1) {
      keep = (keep + roundTo - 1) / roundTo * roundTo;
    }
    return Math.min(units, keep);
  }

  /** The ids of the groups {@code skipShortcuts} leaves alone (empty without it). */
  Set<Integer> skipped(DependencyGraph deps) {
    Set<Integer> out = new HashSet<>();
    if (!skipShortcuts) {
      return out;
    }
    Graph g = deps.graph();
    Set<String> residualSpaces = new HashSet<>();
    for (ChannelGroup group : deps.groups()) {
      if (group.indices().keySet().stream().anyMatch(s -> g.hasNode(s) && g.node(s).type() == OpType.ADD)) {
        out.add(group.id());
        residualSpaces.addAll(group.indices().keySet());
      }
    }
    for (ChannelGroup group : deps.groups()) {
      if (out.contains(group.id()) || group.producers().isEmpty() || group.consumers().isEmpty()) {
        continue;
      }
      boolean readsResidual = group.producers().stream().map(g::node).map(Node::inputs).allMatch(in -> residualSpaces.contains(in.get(0)));
      boolean writesResidual = group.consumers().stream().allMatch(residualSpaces::contains);
      if (readsResidual && writesResidual) {
        out.add(group.id());
      }
    }
    return out;
  }
}
