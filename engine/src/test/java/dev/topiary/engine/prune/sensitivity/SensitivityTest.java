package dev.topiary.engine.prune.sensitivity;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.Zoo;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

class SensitivityTest {
  static final Graph LENET = Zoo.build("lenet5");

  /** Accuracy 0.9 minus, per layer, weight * (fraction of its outputs removed)^2: a known answer. */
  static ToDoubleFunction<Model> syntheticAccuracy(Map<String, Double> weight) {
    return m -> {
      double acc = 0.9;
      for (Node n : m.graph().nodes()) {
        Double w = weight.get(n.name());
        if (w != null) {
          int now = n.op() instanceof Conv c ? c.outChannels() : ((Gemm) n.op()).outFeatures();
          Node orig = LENET.node(n.name());
          int was = orig.op() instanceof Conv c ? c.outChannels() : ((Gemm) orig.op()).outFeatures();
          double f = 1 - (double) now / was;
          acc -= w * f * f;
        }
      }
      return acc;
    };
  }

  static Map<Integer, float[]> indexScores(DependencyGraph d) {
    Map<Integer, float[]> s = new HashMap<>();
    for (ChannelGroup g : d.prunableGroups()) {
      float[] v = new float[g.units()];
      for (int i = 0; i < v.length; i++) {
        v[i] = i; // unit 0 least important
      }
      s.put(g.id(), v);
    }
    return s;
  }

  @Test
  void curvesMeasureEachGroupAloneAtEveryRatio() {
    Model m = Fitter.initialised(LENET, 1);
    DependencyGraph d = DependencyGraph.of(LENET);
    Map<String, Double> w = Map.of("conv1", 0.5, "conv2", 0.2, "fc1", 0.05, "fc2", 0.01);
    SensitivityResult r = SensitivityAnalysis.run(m, indexScores(d), SensitivityAnalysis.DEFAULT_RATIOS, syntheticAccuracy(w), null);
    assertEquals(0.9, r.baseline(), 1e-12);
    assertEquals(List.of("conv1", "conv2", "fc1", "fc2"), r.curves().stream().map(SensitivityCurve::groupName).toList());
    SensitivityCurve conv2 = r.curves().get(1);
    assertEquals(9, conv2.points().size());
    SensitivityCurve.Point half = conv2.points().get(4);
    assertEquals(8, half.removed()); // floor(0.5 * 16)
    assertEquals(0.2 * 0.25, half.drop(), 1e-9);
    assertTrue(half.macsReduction() > 0);
    SensitivityCurve.Point last = r.curves().get(0).points().get(8);
    assertEquals(5, last.removed(), "at most units - 1: never empties a layer");
    assertTrue(r.table().contains("conv2"), r.table());
    assertTrue(r.table().contains("5.00"), r.table()); // 0.05 drop shown in points
  }

  @Test
  void svgIsWellFormedWithOneLinePerGroup() throws Exception {
    Model m = Fitter.initialised(LENET, 1);
    DependencyGraph d = DependencyGraph.of(LENET);
    SensitivityResult r = SensitivityAnalysis.run(m, indexScores(d), new double[] {0.25, 0.5, 0.75},
        syntheticAccuracy(Map.of("conv1", 0.3, "conv2", 0.3, "fc1", 0.3, "fc2", 0.3)), null);
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(r.svg().getBytes(StandardCharsets.UTF_8)));
    assertEquals(4, doc.getElementsByTagName("polyline").getLength());
  }

  @Test
  void interpolatesTheLargestRatioWithinADrop() {
    SensitivityCurve c = new SensitivityCurve(0, "g", 10, List.of(
        new SensitivityCurve.Point(0.2, 2, 0.9, 0.0, 0), new SensitivityCurve.Point(0.4, 4, 0.88, 0.02, 0),
        new SensitivityCurve.Point(0.6, 6, 0.8, 0.10, 0)));
    assertEquals(0.2 + 0.2 * 0.5, c.ratioWithin(0.01), 1e-12);
    assertEquals(0.4 + 0.2 * 0.5, c.ratioWithin(0.06), 1e-12);
    assertEquals(0.6, c.ratioWithin(0.5), 1e-12);
  }

  @Test
  void plansTheTargetWithinTheBudgetSparingSensitiveLayers() {
    Model m = Fitter.initialised(LENET, 1);
    DependencyGraph d = DependencyGraph.of(LENET);
    Map<Integer, float[]> scores = indexScores(d);
    SensitivityResult r = SensitivityAnalysis.run(m, scores, SensitivityAnalysis.DEFAULT_RATIOS,
        syntheticAccuracy(Map.of("conv1", 0.5, "conv2", 0.02, "fc1", 0.02, "fc2", 0.02)), null);
    PruningPlan p = SensitivityPlanner.plan(r, d, scores, 0.3, 0.05);
    assertTrue(p.macsReduction() >= 0.3, p.table());
    assertTrue(p.entry("conv2").ratio() > p.entry("conv1").ratio(), "the insensitive conv is cut harder: " + p.table());
    Model pruned = p.apply(m);
    assertEquals(p.macsAfter(), pruned.graph().macs());
  }

  @Test
  void saysWhatTheBudgetReachesWhenTheTargetIsOutOfReach() {
    Model m = Fitter.initialised(LENET, 1);
    DependencyGraph d = DependencyGraph.of(LENET);
    Map<Integer, float[]> scores = indexScores(d);
    SensitivityResult r = SensitivityAnalysis.run(m, scores, SensitivityAnalysis.DEFAULT_RATIOS,
        syntheticAccuracy(Map.of("conv1", 1.0, "conv2", 1.0, "fc1", 1.0, "fc2", 1.0)), null);
    var e = assertThrows(InvalidPruningConfigException.class, () -> SensitivityPlanner.plan(r, d, scores, 0.9, 0.001));
    assertTrue(e.getMessage().contains("out of reach within an accuracy drop of 0.10 points per group: that budget reaches"), e.getMessage());
    var e2 = assertThrows(InvalidPruningConfigException.class,
        () -> SensitivityAnalysis.run(m, scores, new double[] {0.5, 0.3}, mm -> 1, null));
    assertTrue(e2.getMessage().contains("ascend"), e2.getMessage());
  }
}
