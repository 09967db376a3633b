package dev.topiary.engine.prune;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.UnsupportedOperatorException;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Constant;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.Op;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Reshape;
import dev.topiary.engine.graph.Slice;
import dev.topiary.engine.graph.ZeroPadShortcut;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.PruningStep;
import dev.topiary.engine.weights.Weights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Removes units of a channel group from a model, yielding a new, smaller, dense model with sliced
 * weights and one more {@link PruningStep} in its history. All or nothing: the input model is never
 * modified, and any error leaves nothing half-done. One pruning function per op type (Conv, Gemm,
 * BatchNormalization, the option-A shortcut, Constant, InstanceNormalization, Slice, Reshape); ops
 * without parameters or channel attributes pass through unchanged.
 */
public final class Surgery {
  /** Rewrites one node's op and parameters for the removed channels of its inputs and output. */
  @FunctionalInterface
  private interface OpPruner {
    Op apply(Node n, Cuts cuts, Weights src, Weights dst);
  }

  private static final Map<OpType, OpPruner> PRUNERS = new EnumMap<>(OpType.class);

  static {
    PRUNERS.put(OpType.CONV, Surgery::pruneConv);
    PRUNERS.put(OpType.GEMM, (n, cuts, src, dst) -> {
      int[] out = cuts.of(n.name());
      copy(src, dst, n, ParamRole.WEIGHT, w -> Slices.remove(Slices.remove(w, 0, out), 1, cuts.of(n.inputs().get(0))));
      copy(src, dst, n, ParamRole.BIAS, b -> Slices.remove(b, 0, out));
      Gemm g = (Gemm) n.op();
      return g.withOutFeatures(g.outFeatures() - out.length);
    });
    PRUNERS.put(OpType.BATCH_NORMALIZATION, (n, cuts, src, dst) -> {
      for (ParamRole r : List.of(ParamRole.GAMMA, ParamRole.BETA, ParamRole.RUNNING_MEAN, ParamRole.RUNNING_VAR)) {
        copy(src, dst, n, r, t -> Slices.remove(t, 0, cuts.of(n.name())));
      }
      return (BatchNormalization) n.op();
    });
    PRUNERS.put(OpType.ZERO_PAD_SHORTCUT, (n, cuts, src, dst) -> {
      ZeroPadShortcut z = (ZeroPadShortcut) n.op();
      int inChannels = cuts.channels(n.inputs().get(0));
      int before = 0;
      int after = 0;
      for (int c : cuts.of(n.name())) {
        if (c < z.padBefore()) {
          before++;
        } else if (c >= z.padBefore() + inChannels) {
          after++;
        }
      }
      return new ZeroPadShortcut(z.stride(), z.padBefore() - before, z.padAfter() - after);
    });
    PRUNERS.put(OpType.CONSTANT, (n, cuts, src, dst) -> {
      copy(src, dst, n, ParamRole.VALUE, v -> Slices.remove(v, 0, cuts.of(n.name())));
      Constant c = (Constant) n.op();
      return new Constant(c.shape().withChannels(c.shape().channels() - cuts.of(n.name()).length));
    });
    PRUNERS.put(OpType.INSTANCE_NORMALIZATION, (n, cuts, src, dst) -> {
      for (ParamRole r : List.of(ParamRole.GAMMA, ParamRole.BETA)) {
        copy(src, dst, n, r, t -> Slices.remove(t, 0, cuts.of(n.name())));
      }
      return n.op();
    });
    PRUNERS.put(OpType.SLICE, Surgery::pruneSlice);
    PRUNERS.put(OpType.RESHAPE, (n, cuts, src, dst) -> {
      Reshape r = (Reshape) n.op();
      return r.withChannels(r.shape().channels() - cuts.of(n.name()).length);
    });
  }

  private Surgery() {}

  /**
   * Removes the given units of a group.
   *
   * @param deps the dependency graph of {@code model.graph()}
   * @throws InvalidPruningConfigException when the group is blocked, a unit is out of range or
   *     repeated, or every unit would go (the layer would be empty)
   */
  public static Model prune(Model model, DependencyGraph deps, ChannelGroup group, int[] units, String note) {
    if (deps.graph() != model.graph()) {
      throw new IllegalArgumentException("the dependency graph was built for another graph than the model's");
    }
    int[] sorted = checkedUnits(group, units);
    if (sorted.length == 0) {
      return model;
    }
    Cuts cuts = Cuts.of(model.graph(), group, sorted);
    Weights dst = new Weights();
    Graph pruned = rewrite(model.graph(), cuts, model.weights(), dst);
    String producer = group.producers().get(0);
    List<PruningStep> history = new ArrayList<>(model.history());
    history.add(new PruningStep(producer, cuts.of(producer), note));
    return new Model(pruned, dst, history);
  }

  /**
   * The graph that {@link #prune} would produce, without touching weights: for planning (FLOPs
   * and parameter counts of candidate plans) at the cost of a graph rebuild.
   */
  public static Graph pruneGraph(Graph graph, ChannelGroup group, int[] units) {
    return pruneGraph(graph, Map.of(group, units));
  }

  /**
   * The graph after removing units of several groups of {@code graph}'s dependency graph at once.
   * Groups never share an element, so their removals combine per space in one rewrite.
   */
  public static Graph pruneGraph(Graph graph, Map<ChannelGroup, int[]> removedUnits) {
    Map<String, TreeSet<Integer>> removed = new java.util.HashMap<>();
    removedUnits.forEach((group, units) -> {
      if (units.length > 0) {
        Cuts.collect(group, checkedUnits(group, units), removed);
      }
    });
    return removed.isEmpty() ? graph : rewrite(graph, Cuts.of(graph, removed), null, null);
  }

  private static Graph rewrite(Graph g, Cuts cuts, Weights src, Weights dst) {
    List<Node> nodes = new ArrayList<>(g.nodes().size());
    for (Node n : g.nodes()) {
      OpPruner p = PRUNERS.get(n.type());
      nodes.add(p == null ? n : n.withOp(p.apply(n, cuts, src, dst)));
    }
    return Graph.of(g.name(), g.inputs(), nodes, g.outputs(), g.metadata());
  }

  private static int[] checkedUnits(ChannelGroup group, int[] units) {
    if (!group.prunable()) {
      throw new InvalidPruningConfigException("group #" + group.id() + " (" + group.name() + ") cannot be pruned: " + group.blockedBy());
    }
    int[] sorted = units.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0 || sorted[i] >= group.units() || (i > 0 && sorted[i] == sorted[i - 1])) {
        throw new InvalidPruningConfigException("group " + group.name() + ": units to remove must be distinct and in [0, " + group.units() + "), got " + Arrays.toString(units));
      }
    }
    if (sorted.length == group.units()) {
      throw new InvalidPruningConfigException("group " + group.name() + ": removing all " + group.units() + " channels would empty the layer");
    }
    return sorted;
  }

  /** Re-applies a history to the model it started from; reproduces the pruned model exactly. */
  public static Model replay(Model original, List<PruningStep> steps) {
    Model m = original;
    for (PruningStep s : steps) {
      DependencyGraph deps = DependencyGraph.of(m.graph());
      int[] removed = s.removed();
      if (removed.length == 0) {
        continue;
      }
      ChannelGroup grp = deps.groupOf(s.node(), removed[0]);
      int[][] idx = grp.indices().get(s.node());
      TreeSet<Integer> units = new TreeSet<>();
      for (int c : removed) {
        int u = unitOf(idx, c);
        if (u < 0) {
          throw new InvalidPruningConfigException("history step " + s + ": channel " + c + " of '" + s.node() + "' is not in group " + grp.name());
        }
        units.add(u);
      }
      m = prune(m, deps, grp, units.stream().mapToInt(Integer::intValue).toArray(), s.note());
    }
    return m;
  }

  private static int unitOf(int[][] idx, int channel) {
    for (int u = 0; u < idx.length; u++) {
      if (Arrays.binarySearch(idx[u], channel) >= 0) {
        return u;
      }
    }
    return -1;
  }

  private static Op pruneConv(Node n, Cuts cuts, Weights src, Weights dst) {
    Conv c = (Conv) n.op();
    String input = n.inputs().get(0);
    int[] out = cuts.of(n.name());
    int[] in = cuts.of(input);
    int inChannels = cuts.channels(input);
    int groups = c.groups();
    if (groups == 1) {
      copy(src, dst, n, ParamRole.WEIGHT, w -> Slices.remove(Slices.remove(w, 0, out), 1, in));
    } else if (groups == inChannels) { // depthwise: input channel g feeds its own output channels
      copy(src, dst, n, ParamRole.WEIGHT, w -> Slices.remove(w, 0, out));
      groups -= in.length;
    } else if (out.length > 0 || in.length > 0) {
      throw new UnsupportedOperatorException("node " + n + ": grouped conv with " + groups + " groups cannot lose single channels");
    } else {
      copy(src, dst, n, ParamRole.WEIGHT, w -> w.copy());
    }
    copy(src, dst, n, ParamRole.BIAS, b -> Slices.remove(b, 0, out));
    return new Conv(c.outChannels() - out.length, c.kernel(), c.stride(), c.padding(), c.dilation(), groups, c.bias());
  }

  /**
   * The same channels, fewer of them: start and end move down by the input's cut channels below
   * each. (A slice never empties: its channels are whole units of the groups it touches, and no
   * group loses all its units.)
   */
  private static Op pruneSlice(Node n, Cuts cuts, Weights src, Weights dst) {
    Slice s = (Slice) n.op();
    int below = 0;
    int inside = 0;
    for (int c : cuts.of(n.inputs().get(0))) {
      if (c < s.start()) {
        below++;
      } else if (c < s.end()) {
        inside++;
      }
    }
    return new Slice(s.start() - below, s.end() - below - inside);
  }

  private static void copy(Weights src, Weights dst, Node n, ParamRole role,
      java.util.function.UnaryOperator<dev.topiary.engine.weights.Tensor> f) {
    if (src == null) {
      return; // graph-only rewrite
    }
    ParamKey k = new ParamKey(n.name(), role);
    if (src.contains(k)) {
      dst.put(k, f.apply(src.get(k)));
    }
  }

  /** The removed indices of every space touched by the group. */
  private record Cuts(Graph graph, Map<String, int[]> removed) {
    static Cuts of(Graph g, ChannelGroup grp, int[] units) {
      Map<String, TreeSet<Integer>> removed = new java.util.HashMap<>();
      collect(grp, units, removed);
      return of(g, removed);
    }

    static Cuts of(Graph g, Map<String, TreeSet<Integer>> removed) {
      Map<String, int[]> arrays = new java.util.HashMap<>();
      removed.forEach((space, idx) -> arrays.put(space, idx.stream().mapToInt(Integer::intValue).toArray()));
      return new Cuts(g, arrays);
    }

    /** Adds the indices of the removed units, space by space. */
    static void collect(ChannelGroup grp, int[] units, Map<String, TreeSet<Integer>> removed) {
      grp.indices().forEach((space, perUnit) -> {
        TreeSet<Integer> idx = removed.computeIfAbsent(space, k -> new TreeSet<>());
        for (int u : units) {
          for (int i : perUnit[u]) {
            idx.add(i);
          }
        }
      });
    }

    int[] of(String space) {
      return removed.getOrDefault(space, new int[0]);
    }

    int channels(String space) {
      return graph.shape(space).channels();
    }
  }
}
