package dev.topiary.engine.measure;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamRole;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parameters and multiply-accumulates of a graph, per node and in total, read from the graph alone
 * (a pruned model is measured the same way as the original).
 *
 * <p>Conventions, those of the figures HRank and thop publish:
 *
 * <ul>
 *   <li><b>params</b> are learnable parameters: conv and linear weights and biases and BN's gamma
 *       and beta; BN running statistics are buffers and not counted. (HRank's own counter also
 *       leaves out BN; {@link #params(Set)} gives that figure.)
 *   <li><b>MACs</b> are multiply-accumulates of Conv and Gemm for one sample: {@code output
 *       elements * input channels per group * kernel area} for a conv, {@code in * out} for a
 *       linear layer. Biases, BN, activations, pooling and additions are excluded. Papers call this
 *       number "FLOPs" (HRank: ResNet-56 125.49M); twice it is the floating-point operation count.
 * </ul>
 *
 * Immutable.
 *
 * @param graph the graph's name
 * @param nodes one entry per node, in topological order
 * @param params total learnable parameters
 * @param macs total MACs per sample
 */
public record ModelStats(String graph, List<NodeStats> nodes, long params, long macs) {
  public ModelStats {
    nodes = List.copyOf(nodes);
  }

  /** Measures every node of a graph. */
  public static ModelStats of(Graph g) {
    List<NodeStats> rows = new ArrayList<>(g.nodes().size());
    long params = 0;
    long macs = 0;
    for (Node n : g.nodes()) {
      long p = learnable(n.op().paramShapes(g.inputShapes(n)));
      long m = n.op().macs(g.inputShapes(n), g.shape(n.name()));
      rows.add(new NodeStats(n.name(), n.type(), g.shape(n.name()), p, m));
      params += p;
      macs += m;
    }
    return new ModelStats(g.name(), rows, params, macs);
  }

  /** Learnable parameters of the nodes of these op types, e.g. Conv and Gemm for HRank's count. */
  public long params(Set<OpType> ops) {
    return nodes.stream().filter(n -> ops.contains(n.op())).mapToLong(NodeStats::params).sum();
  }

  /** Learnable parameters of Conv and Gemm nodes only, the figure HRank's {@code get_flops.py} prints. */
  public long convAndLinearParams() {
    return params(EnumSet.of(OpType.CONV, OpType.GEMM));
  }

  /** The statistics of one node. */
  public NodeStats node(String name) {
    for (NodeStats n : nodes) {
      if (n.name().equals(name)) {
        return n;
      }
    }
    throw new IllegalArgumentException("graph '" + graph + "' has no node '" + name + "'");
  }

  /**
   * A count as papers print it: "0.85M" (millions, two decimals) from ten thousand up, "1.52B"
   * from a billion up, the plain integer below ten thousand.
   */
  public static String human(long count) {
    if (count >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.2fB", count / 1e9);
    }
    if (count >= 10_000L) {
      return String.format(Locale.ROOT, "%.2fM", count / 1e6);
    }
    return Long.toString(count);
  }

  /**
   * An aligned text table, one row per node ({@code name | op | output | params | MACs}, counts
   * with thousands separators), then a total row with the exact and, from ten thousand up, the
   * {@link #human} figures.
   */
  public String table() {
    String[] head = {"name", "op", "output", "params", "MACs"};
    List<String[]> rows = new ArrayList<>(nodes.size() + 1);
    for (NodeStats n : nodes) {
      rows.add(new String[] {n.name(), n.op().jsonName(), n.output().toString(), grouped(n.params()), grouped(n.macs())});
    }
    rows.add(new String[] {"total", "", "", withHuman(params), withHuman(macs)});
    int[] width = new int[head.length];
    for (int c = 0; c < head.length; c++) {
      width[c] = head[c].length();
      for (String[] r : rows) {
        width[c] = Math.max(width[c], r[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, head, width);
    rule(out, width);
    for (int i = 0; i < rows.size(); i++) {
      if (i == rows.size() - 1) {
        rule(out, width);
      }
      line(out, rows.get(i), width);
    }
    return out.toString();
  }

  private static long learnable(Map<ParamRole, int[]> shapes) {
    long total = 0;
    for (Map.Entry<ParamRole, int[]> e : shapes.entrySet()) {
      if (e.getKey().learnable()) {
        long size = 1;
        for (int d : e.getValue()) {
          size *= d;
        }
        total += size;
      }
    }
    return total;
  }

  /** "853,018 (0.85M)"; just the number where {@link #human} would print it unchanged. */
  private static String withHuman(long v) {
    String h = human(v);
    return h.equals(Long.toString(v)) ? grouped(v) : grouped(v) + " (" + h + ")";
  }

  private static String grouped(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  /** Text columns left-aligned, the two count columns right-aligned. */
  private static void line(StringBuilder out, String[] cells, int[] width) {
    for (int c = 0; c < cells.length; c++) {
      String pad = " ".repeat(width[c] - cells[c].length());
      out.append(c < 3 ? cells[c] + pad : pad + cells[c]);
      out.append(c < cells.length - 1 ? " | " : "\n");
    }
  }

  private static void rule(StringBuilder out, int[] width) {
    for (int c = 0; c < width.length; c++) {
      out.append("-".repeat(width[c])).append(c < width.length - 1 ? "-+-" : "\n");
    }
  }
}
