package dev.topiary.engine.prune.select;

import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.ZeroPadShortcut;
import dev.topiary.engine.prune.ChannelGroup;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph that surgery would produce, built from channel counts alone (no weights), so that
 * selectors can measure MACs and parameters of many candidates cheaply. Mirrors the op rewrites of
 * {@link dev.topiary.engine.prune.Surgery}; {@link PruningPlan#apply} checks that both agree.
 */
final class PrunedGraph {
  private PrunedGraph() {}

  /** The pruned graph for these removed units per group (groups of {@code g}'s dependency graph). */
  static Graph of(Graph g, Map<ChannelGroup, int[]> removedUnits) {
    Map<String, BitSet> removed = new HashMap<>();
    removedUnits.forEach((grp, units) -> grp.indices().forEach((space, perUnit) -> {
      BitSet bits = removed.computeIfAbsent(space, k -> new BitSet());
      for (int u : units) {
        for (int i : perUnit[u]) {
          bits.set(i);
        }
      }
    }));
    List<Node> nodes = new ArrayList<>(g.nodes().size());
    for (Node n : g.nodes()) {
      nodes.add(rewrite(g, n, removed));
    }
    return Graph.of(g.name(), g.inputs(), nodes, g.outputs());
  }

  private static Node rewrite(Graph g, Node n, Map<String, BitSet> removed) {
    BitSet out = removed.getOrDefault(n.name(), new BitSet());
    if (n.op() instanceof Conv c) {
      String input = n.inputs().get(0);
      int groups = c.groups();
      if (groups > 1 && groups == g.shape(input).channels()) { // depthwise: groups follow the input
        groups -= removed.getOrDefault(input, new BitSet()).cardinality();
      }
      return n.withOp(c.withOutChannels(c.outChannels() - out.cardinality()).withGroups(groups));
    }
    if (n.op() instanceof Gemm gemm) {
      return n.withOp(gemm.withOutFeatures(gemm.outFeatures() - out.cardinality()));
    }
    if (n.op() instanceof ZeroPadShortcut z) {
      int inChannels = g.shape(n.inputs().get(0)).channels();
      int before = out.get(0, z.padBefore()).cardinality();
      int after = out.get(z.padBefore() + inChannels, z.padBefore() + inChannels + z.padAfter()).cardinality();
      return n.withOp(new ZeroPadShortcut(z.stride(), z.padBefore() - before, z.padAfter() - after));
    }
    return n;
  }
}
