package dev.topiary.engine.cli;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.measure.LatencyBench;
import dev.topiary.engine.measure.ModelStats;
import dev.topiary.engine.measure.NodeStats;
import dev.topiary.engine.model.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "table", mixinStandardHelpOptions = true,
    description = "Per-layer before/after table of two model folders (e.g. original and pruned): output channels, parameters and MACs of every Conv and Gemm, with totals."
        + " --latency adds the median latency of both models in DJL and in ONNX Runtime (exported in memory), timed in turns, with the speed-up per runtime.")
final class TableCommand implements Callable<Integer> {
  @Option(names = "--before", required = true, description = "model folder before pruning") Path before;
  @Option(names = "--after", required = true, description = "model folder after pruning") Path after;
  @Option(names = "--latency", description = "also time both models in DJL and ONNX Runtime") boolean latency;
  @Option(names = "--batches", split = ",", defaultValue = "1,32", description = "batch sizes timed (default ${DEFAULT-VALUE})") int[] batches;
  @Option(names = "--warmup", defaultValue = "5", description = "warm-up runs per turn (default ${DEFAULT-VALUE})") int warmup;
  @Option(names = "--runs", defaultValue = "20", description = "timed runs per turn (default ${DEFAULT-VALUE})") int runs;
  @Option(names = "--rounds", defaultValue = "2", description = "turns per model: before, after, before, after, ... (default ${DEFAULT-VALUE})")
  int rounds;
  @Mixin RuntimeOptions runtime;

  @Override
  public Integer call() throws Exception {
    Model ma = Model.load(before);
    Model mb = Model.load(after);
    Graph a = ma.graph();
    Graph b = mb.graph();
    requireSameNodes(a, b);
    ModelStats sa = ModelStats.of(a);
    ModelStats sb = ModelStats.of(b);
    int width = Math.max(5, a.nodes().stream().mapToInt(n -> n.name().length()).max().orElse(0));
    String row = "%-" + width + "s %-5s %13s %27s %35s%n";
    System.out.printf(Locale.ROOT, row, "layer", "op", "channels", "params", "MACs");
    for (Node n : a.nodes()) {
      if (n.type() == OpType.CONV || n.type() == OpType.GEMM) {
        NodeStats x = sa.node(n.name());
        NodeStats y = sb.node(n.name());
        System.out.printf(Locale.ROOT, row, n.name(), n.type().jsonName(), x.output().channels() + " -> " + y.output().channels(),
            change(x.params(), y.params()), change(x.macs(), y.macs()));
      }
    }
    System.out.printf(Locale.ROOT, row, "total", "", "", change(sa.params(), sb.params()), change(sa.macs(), sb.macs()));
    System.out.println("(totals over all nodes; params are learnable parameters, MACs per image)");
    if (latency) {
      runtime.apply();
      List<LatencyComparison.Row> rows = LatencyComparison.measure(ma, mb, batches, new LatencyBench(warmup, runs), rounds);
      String line = "%-" + LatencyComparison.LABEL_WIDTH + "s %" + LatencyComparison.VALUE_WIDTH + "s %"
          + LatencyComparison.VALUE_WIDTH + "s %10s%n";
      System.out.println();
      System.out.printf(Locale.ROOT, line, LatencyComparison.CELLS, "before", "after", "speed-up");
      for (LatencyComparison.Row r : rows) {
        System.out.printf(Locale.ROOT, line, r.label(), r.beforeText(), r.afterText(), r.speedupText());
      }
      System.out.printf(Locale.ROOT, "(medians of %d turns per model, each %d timed runs after %d warm-up; %d intra-op threads;"
          + " speed-up of the medians; DJL with BN folded into the convolutions)%n", rounds, runs, warmup, runtime.threads);
    }
    return 0;
  }

  private static String change(long before, long after) {
    return String.format(Locale.ROOT, "%,d -> %,d (%s)", before, after, Console.reduction(before, after));
  }

  /** Pruning keeps every node; a node in one graph only means the folders hold different models. */
  private void requireSameNodes(Graph a, Graph b) {
    List<String> onlyA = new ArrayList<>();
    List<String> onlyB = new ArrayList<>();
    a.nodes().stream().map(Node::name).filter(n -> !b.hasNode(n)).forEach(onlyA::add);
    b.nodes().stream().map(Node::name).filter(n -> !a.hasNode(n)).forEach(onlyB::add);
    if (!onlyA.isEmpty() || !onlyB.isEmpty()) {
      throw new IllegalArgumentException("the models differ in nodes, not only in widths:"
          + (onlyA.isEmpty() ? "" : " only in " + before + ": " + names(onlyA) + ";")
          + (onlyB.isEmpty() ? "" : " only in " + after + ": " + names(onlyB)));
    }
  }

  private static String names(List<String> n) {
    return n.size() <= 10 ? String.join(", ", n) : String.join(", ", n.subList(0, 10)) + " (+" + (n.size() - 10) + " more)";
  }
}
