package dev.topiary.pipeline.job;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.select.CompressRates;
import dev.topiary.engine.prune.sparse.SparsityRules;

/**
 * The checks that need the model's graph: node names, one compress rate per Conv, a dry run of
 * per-layer selections, sparsity rules resolved, BatchNorm for slimming. Each runs only when the
 * parts it reads are free of problems, so a problem is reported once, where it lies.
 */
final class GraphChecks {
  private GraphChecks() {}

  static void check(JobSpec spec, Graph graph, Problems p) {
    normalisationFits(spec.dataset(), graph, p);
    PruneSpec prune = spec.prune();
    if (prune == null || prune.select() == null || prune.granularity() == null || p.hasUnder("prune")) {
      return;
    }
    SelectSpec s = prune.select();
    for (int i = 0; i < s.exclude().size(); i++) {
      if (!graph.hasNode(s.exclude().get(i))) {
        p.add("prune.select.exclude[" + i + "]", "graph '" + graph.name() + "' has no node '" + s.exclude().get(i) + "'");
      }
    }
    if (prune.granularity() == Granularity.CHANNEL && (s.compressRate() != null || s.configList() != null) && !p.hasUnder("prune")) {
      if (s.compressRate() != null && !rateCountFits(s.compressRate(), graph, p)) {
        return;
      }
      try {
        PerLayerCuts.of(s, graph);
      } catch (TopiaryException e) {
        p.add("prune.select." + (s.compressRate() != null ? "compressRate" : "configList"), e.getMessage());
      }
    }
    if (prune.granularity() == Granularity.UNSTRUCTURED && s.sparsityRules() != null) {
      try {
        SparsityRules.parse(s.sparsityRules()).resolve(graph);
      } catch (TopiaryException e) {
        p.add("prune.select.sparsityRules", e.getMessage());
      }
    }
    if (spec.schedule() instanceof ScheduleSpec.Slimming && !p.hasUnder("prune.select.exclude")
        && DependencyGraph.of(graph, s.excludedNodes()).prunableGroups().stream().allMatch(g -> g.normalizers().isEmpty())) {
      p.add("schedule.mode", "slimming needs BatchNormalization after prunable layers; graph '" + graph.name() + "' has none");
    }
  }

  private static boolean rateCountFits(String expression, Graph graph, Problems p) {
    int rates = CompressRates.parse(expression).size();
    long convs = graph.nodes().stream().filter(n -> n.type() == OpType.CONV).count();
    if (rates != convs) {
      p.add("prune.select.compressRate", "expected " + convs + " rates for " + graph.name() + " (one per Conv), got " + rates);
      return false;
    }
    return true;
  }

  /** An image folder's mean has one value per channel of the model's input. */
  private static void normalisationFits(DatasetSpec d, Graph graph, Problems p) {
    if (d == null || d.mean() == null || p.hasUnder("dataset")) {
      return;
    }
    long channels = graph.inputs().get(0).shape().toArray()[0];
    if (d.mean().size() != channels) {
      p.add("dataset.mean", d.mean().size() + " values but model '" + graph.name() + "' takes " + channels + " input channels");
    }
  }
}
