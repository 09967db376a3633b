package dev.topiary.pipeline.job;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.detect.DetectHead;
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
    if (spec.detects()) {
      detector(spec, graph, p);
    }
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

  /**
   * A detection job's model has a Detect head and a square input, and a generated dataset's ten
   * classes are the head's (an upload's or a folder's classes are checked where they are read).
   */
  private static void detector(JobSpec spec, Graph graph, Problems p) {
    String field = spec.model() != null && spec.model().zoo() != null ? "model.zoo" : "model";
    DetectHead head;
    try {
      head = DetectHead.of(graph);
    } catch (TopiaryException | IllegalArgumentException e) {
      p.add(field, "task detection needs a detector with a YOLOv5 Detect head (zoo yolov5n, yolov5s, ...); graph '" + graph.name()
          + "' has none: " + e.getMessage());
      return;
    }
    int[] in = graph.inputs().get(0).shape().toArray();
    if (in.length != 3 || in[1] != in[2]) {
      p.add(field.equals("model.zoo") ? "model.inputShape" : field, "a detector takes a square input [C, S, S] (pictures are letterboxed); got "
          + java.util.Arrays.toString(in));
    }
    DatasetSpec d = spec.dataset();
    if (d != null && DatasetSpec.GENERATED.equals(d.kind()) && head.numClasses() != DatasetSpec.GENERATED_CLASSES) {
      p.add(field.equals("model.zoo") ? "model.numClasses" : field, "the model's head predicts " + head.numClasses()
          + " classes but the generated scenes have " + DatasetSpec.GENERATED_CLASSES + " (Fashion-MNIST's); set model.numClasses: "
          + DatasetSpec.GENERATED_CLASSES);
    }
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
