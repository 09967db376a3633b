package dev.topiary.engine.prune.sparse;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The weights this package may mask: the {@code weight} of every Conv and Gemm node. Stateless. */
final class PrunableWeights {
  private PrunableWeights() {}

  /** Whether a node's weight may be masked. */
  static boolean isPrunable(Node n) {
    return n.type() == OpType.CONV || n.type() == OpType.GEMM;
  }

  /** The prunable weights of a graph with their shapes, in topological order of their nodes. */
  static Map<ParamKey, int[]> of(Graph graph) {
    Map<ParamKey, int[]> all = graph.paramShapes();
    Map<ParamKey, int[]> out = new LinkedHashMap<>();
    for (Node n : graph.nodes()) {
      if (isPrunable(n)) {
        ParamKey k = new ParamKey(n.name(), ParamRole.WEIGHT);
        out.put(k, all.get(k));
      }
    }
    return out;
  }

  /** Number of elements of a shape. */
  static int size(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
    }
    return (int) n;
  }
}
