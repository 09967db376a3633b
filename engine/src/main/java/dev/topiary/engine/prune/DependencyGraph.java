package dev.topiary.engine.prune;

import dev.topiary.engine.graph.Concat;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphInput;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.Slice;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.graph.ZeroPadShortcut;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The channel groups of a graph, derived from its op rules alone (never from an architecture's
 * name). Every channel of every node output is an element; each op couples the elements of its
 * inputs and output by a rule (channel-wise ops by index; Add, Mul, Sub and Div by index with each
 * input of the output's channel count, a one-channel input being broadcast; Concat with offsets,
 * Slice with its start, the option-A shortcut with its pad offset, depthwise convs input to output,
 * Flatten channel to its H*W features; a Constant has no input). Connected elements form a unit
 * that must be removed together; units touching the same spaces in the same way form a {@link
 * ChannelGroup}. So an SE block's gate joins the group of the channels it gates, and a per-channel
 * Constant the group of the channels it meets.
 *
 * <p>Conv with one group and Gemm end a coupling: their inputs and outputs are independent. Groups
 * touching a graph input or output, an excluded node, a grouped (not depthwise) conv or the output
 * of a Softmax or LogSoftmax (which normalise over the channels) are kept but marked as blocked,
 * with the reason. Immutable.
 */
public final class DependencyGraph {
  /** Couples the elements of a node's inputs and output. */
  @FunctionalInterface
  private interface CouplingRule {
    void couple(Node n, Elements e);
  }

  private static final Map<OpType, CouplingRule> RULES = new EnumMap<>(OpType.class);

  static {
    for (OpType t : List.of(OpType.ADD, OpType.MUL, OpType.SUB, OpType.DIV)) {
      RULES.put(t, DependencyGraph::coupleBroadcast);
    }
    RULES.put(OpType.CONSTANT, (n, e) -> {});
    RULES.put(OpType.SLICE, (n, e) -> e.unionRange(n.name(), 0, n.inputs().get(0), ((Slice) n.op()).start(), e.size(n.name())));
    // every output channel depends on every input channel; coupled by index, and blocked (GroupCollector)
    for (OpType t : List.of(OpType.SOFTMAX, OpType.LOG_SOFTMAX)) {
      RULES.put(t, (n, e) -> e.unionRange(n.name(), 0, n.inputs().get(0), 0, e.size(n.name())));
    }
    RULES.put(OpType.CONCAT, (n, e) -> {
      int offset = 0;
      for (String in : n.inputs()) {
        e.unionRange(n.name(), offset, in, 0, e.size(in));
        offset += e.size(in);
      }
    });
    RULES.put(OpType.ZERO_PAD_SHORTCUT, (n, e) -> {
      String in = n.inputs().get(0);
      e.unionRange(n.name(), ((ZeroPadShortcut) n.op()).padBefore(), in, 0, e.size(in));
    });
    RULES.put(OpType.FLATTEN, (n, e) -> {
      String in = n.inputs().get(0);
      int block = e.size(n.name()) / e.size(in);
      for (int c = 0; c < e.size(in); c++) {
        for (int k = 0; k < block; k++) {
          e.union(n.name(), c * block + k, in, c);
        }
      }
    });
    RULES.put(OpType.CONV, (n, e) -> {
      Conv conv = (Conv) n.op();
      String in = n.inputs().get(0);
      if (conv.groups() > 1 && conv.groups() == e.size(in)) { // depthwise, channel multiplier m
        int m = conv.outChannels() / conv.groups();
        for (int g = 0; g < conv.groups(); g++) {
          for (int j = 0; j < m; j++) {
            e.union(n.name(), g * m + j, in, g);
          }
        }
      }
    });
    RULES.put(OpType.GEMM, (n, e) -> {});
  }

  /**
   * Element-wise arithmetic couples, by index, its output with every input of as many channels; an
   * input of one channel (a scalar constant, a spatial map) is broadcast over all of them and stays
   * out of their group.
   */
  private static void coupleBroadcast(Node n, Elements e) {
    int channels = e.size(n.name());
    for (String in : n.inputs()) {
      if (e.size(in) == channels) {
        e.unionRange(n.name(), 0, in, 0, channels);
      }
    }
  }

  private final Graph graph;
  private final List<ChannelGroup> groups;

  private DependencyGraph(Graph graph, List<ChannelGroup> groups) {
    this.graph = graph;
    this.groups = List.copyOf(groups);
  }

  /** Analyses a graph with no excluded node. */
  public static DependencyGraph of(Graph g) {
    return of(g, Set.of());
  }

  /**
   * Analyses a graph. A group whose channels are the output of an excluded node (e.g. the first
   * conv, a detection head) is blocked.
   */
  public static DependencyGraph of(Graph g, Set<String> excluded) {
    for (String x : excluded) {
      g.node(x); // names the unknown node
    }
    Elements e = new Elements(g);
    for (Node n : g.nodes()) {
      CouplingRule rule = RULES.get(n.type());
      if (rule != null) {
        rule.couple(n, e);
      } else if (n.op().channelwise()) {
        e.unionRange(n.name(), 0, n.inputs().get(0), 0, e.size(n.name()));
      } else {
        throw new IllegalStateException("no coupling rule for op " + n.type()); // every OpType has one
      }
    }
    return new DependencyGraph(g, GroupCollector.collect(g, e, excluded));
  }

  public Graph graph() {
    return graph;
  }

  /** All groups, prunable or not, ordered by the first node that produces them. */
  public List<ChannelGroup> groups() {
    return groups;
  }

  /** The groups that surgery may prune. */
  public List<ChannelGroup> prunableGroups() {
    return groups.stream().filter(ChannelGroup::prunable).toList();
  }

  /** The group holding channel 0 of this node's or input's output. */
  public ChannelGroup groupOf(String node) {
    return groupOf(node, 0);
  }

  /** The group holding the given channel of this node's or input's output. */
  public ChannelGroup groupOf(String node, int channel) {
    graph.shape(node); // names an unknown node
    for (ChannelGroup grp : groups) {
      int[][] idx = grp.indices().get(node);
      if (idx != null) {
        for (int[] unit : idx) {
          if (Arrays.binarySearch(unit, channel) >= 0) {
            return grp;
          }
        }
      }
    }
    throw new IllegalArgumentException("channel " + channel + " of node '" + node + "' is in no group");
  }

  /**
   * Every group touching this node's output: one for most nodes, several where Concat or a
   * zero-padded shortcut joins channels of different origins.
   */
  public List<ChannelGroup> groupsOf(String node) {
    graph.shape(node);
    return groups.stream().filter(grp -> grp.indices().containsKey(node)).toList();
  }

  /** A readable report: one block per group with its units, members and status. */
  public String report() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Channel groups of %s: %d (%d prunable)%n", graph.name(), groups.size(), prunableGroups().size()));
    for (ChannelGroup grp : groups) {
      sb.append(String.format("#%-3d %-28s %5d units  %s%n", grp.id(), grp.name(), grp.units(),
          grp.prunable() ? "prunable" : "blocked: " + grp.blockedBy()));
      sb.append("       out:  ").append(String.join(", ", grp.producers())).append('\n');
      if (!grp.normalizers().isEmpty()) {
        sb.append("       bn:   ").append(String.join(", ", grp.normalizers())).append('\n');
      }
      if (!grp.consumers().isEmpty()) {
        sb.append("       in:   ").append(String.join(", ", grp.consumers())).append('\n');
      }
    }
    return sb.toString();
  }

  /** Elements: one per channel of each space (graph input or node output). */
  static final class Elements {
    final Map<String, Integer> offset = new HashMap<>();
    final Map<String, Integer> sizes = new HashMap<>();
    final List<String> spaces = new ArrayList<>();
    final UnionFind uf;

    Elements(Graph g) {
      int total = 0;
      for (GraphInput in : g.inputs()) {
        total = add(in.name(), in.shape(), total);
      }
      for (Node n : g.nodes()) {
        total = add(n.name(), g.shape(n.name()), total);
      }
      uf = new UnionFind(total);
    }

    private int add(String space, TensorShape s, int total) {
      spaces.add(space);
      offset.put(space, total);
      sizes.put(space, s.channels());
      return total + s.channels();
    }

    int size(String space) {
      return sizes.get(space);
    }

    int id(String space, int index) {
      return offset.get(space) + index;
    }

    void union(String a, int ia, String b, int ib) {
      uf.union(id(a, ia), id(b, ib));
    }

    void unionRange(String a, int fromA, String b, int fromB, int count) {
      for (int i = 0; i < count; i++) {
        union(a, fromA + i, b, fromB + i);
      }
    }
  }

  /** Turns connected elements into units and units into groups. */
  private static final class GroupCollector {
    static List<ChannelGroup> collect(Graph g, Elements e, Set<String> excluded) {
      // unit root -> (space -> indices), spaces in graph order
      Map<Integer, Map<String, List<Integer>>> units = new LinkedHashMap<>();
      for (String space : e.spaces) {
        for (int i = 0; i < e.size(space); i++) {
          units.computeIfAbsent(e.uf.find(e.id(space, i)), k -> new LinkedHashMap<>())
              .computeIfAbsent(space, k -> new ArrayList<>()).add(i);
        }
      }
      Map<String, List<Map<String, List<Integer>>>> bySignature = new LinkedHashMap<>();
      for (Map<String, List<Integer>> unit : units.values()) {
        StringBuilder sig = new StringBuilder();
        unit.forEach((space, idx) -> sig.append(space).append('#').append(idx.size()).append(';'));
        bySignature.computeIfAbsent(sig.toString(), k -> new ArrayList<>()).add(unit);
      }
      List<ChannelGroup> groups = new ArrayList<>();
      for (List<Map<String, List<Integer>>> members : bySignature.values()) {
        groups.add(toGroup(g, members, excluded));
      }
      groups.sort((a, b) -> Integer.compare(firstNodeIndex(g, a), firstNodeIndex(g, b)));
      List<ChannelGroup> numbered = new ArrayList<>();
      for (int i = 0; i < groups.size(); i++) {
        ChannelGroup c = groups.get(i);
        numbered.add(new ChannelGroup(i, c.units(), c.indices(), c.producers(), c.consumers(), c.normalizers(), c.blockedBy()));
      }
      return numbered;
    }

    private static int firstNodeIndex(Graph g, ChannelGroup grp) {
      int best = Integer.MAX_VALUE;
      List<Node> nodes = g.nodes();
      for (int i = 0; i < nodes.size() && i < best; i++) {
        if (grp.indices().containsKey(nodes.get(i).name())) {
          best = i;
        }
      }
      return best == Integer.MAX_VALUE ? -1 : best;
    }

    private static ChannelGroup toGroup(Graph g, List<Map<String, List<Integer>>> members, Set<String> excluded) {
      Map<String, int[][]> indices = new LinkedHashMap<>();
      for (String space : members.get(0).keySet()) {
        int[][] perUnit = new int[members.size()][];
        for (int u = 0; u < members.size(); u++) {
          perUnit[u] = members.get(u).get(space).stream().mapToInt(Integer::intValue).toArray();
        }
        indices.put(space, perUnit);
      }
      List<String> producers = new ArrayList<>();
      List<String> consumers = new ArrayList<>();
      List<String> normalizers = new ArrayList<>();
      String blocked = null;
      for (GraphInput in : g.inputs()) {
        if (indices.containsKey(in.name())) {
          blocked = "holds the channels of graph input '" + in.name() + "'";
        }
      }
      for (Node n : g.nodes()) {
        boolean out = indices.containsKey(n.name());
        boolean reads = n.inputs().stream().anyMatch(indices::containsKey);
        if (out && (n.type() == OpType.CONV || n.type() == OpType.GEMM)) {
          producers.add(n.name());
        }
        if (out && n.type() == OpType.BATCH_NORMALIZATION) {
          normalizers.add(n.name());
        }
        if (reads && !out && (n.type() == OpType.CONV || n.type() == OpType.GEMM)) {
          consumers.add(n.name());
        }
        if (blocked == null) {
          blocked = blockedBy(n, out, reads, excluded);
        }
      }
      for (String o : g.outputs()) {
        if (indices.containsKey(o) && blocked == null) {
          blocked = "feeds graph output '" + o + "'";
        }
      }
      if (producers.isEmpty() && blocked == null) {
        blocked = "no Conv or Gemm produces these channels";
      }
      return new ChannelGroup(-1, members.size(), Collections.unmodifiableMap(indices),
          List.copyOf(producers), List.copyOf(consumers), List.copyOf(normalizers), blocked);
    }
  }

  /** Why node {@code n} blocks a group it writes ({@code out}) or reads, or null. */
  private static String blockedBy(Node n, boolean out, boolean reads, Set<String> excluded) {
    if (n.op() instanceof Conv c && c.groups() > 1) {
      if (reads && !out) {
        return "grouped conv '" + n.name() + "' (groups " + c.groups() + ") cannot lose single input channels";
      }
      if (out && !reads) {
        return "grouped conv '" + n.name() + "' (groups " + c.groups() + ") cannot lose single output channels";
      }
    }
    if (out && excluded.contains(n.name())) {
      return "node '" + n.name() + "' is excluded";
    }
    if (out && (n.type() == OpType.SOFTMAX || n.type() == OpType.LOG_SOFTMAX)) {
      // removing a channel changes the others' values: no removal equals masking it
      return n.type().jsonName() + " '" + n.name() + "' normalises over all these channels";
    }
    return null;
  }

  @Override
  public String toString() {
    return "DependencyGraph of " + graph.name() + ": " + groups.size() + " groups";
  }
}
