package dev.topiary.engine.prune.importance;

import static dev.topiary.engine.prune.importance.ImportanceFixtures.model;
import static dev.topiary.engine.prune.importance.ImportanceFixtures.weight;
import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.graph.Add;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MagnitudeImportanceTest {
  private static final double TOL = 1e-6;

  /** input(1x2x2) -> a (2 filters 1x1) -> relu ; input -> b (2 filters 1x1) ; add(relu, b) -> c (1x1, 1 filter). */
  static Graph residual() {
    GraphBuilder g = Graph.builder("res");
    g.input("input", 1, 2, 2);
    g.add("a", Conv.of(2, 1, 1, 0), "input");
    g.add("bn", BatchNormalization.standard(), "a");
    g.add("b", Conv.of(2, 1, 1, 0), "input");
    g.add("sum", new Add(), "bn", "b");
    g.add("relu", new Relu(), "sum");
    g.add("c", Conv.of(1, 1, 1, 0), "relu");
    return g.output("c").build();
  }

  static Model residualModel() {
    return model(residual(), Map.of(
        weight("a"), new float[] {3, -4},
        weight("b"), new float[] {-1, 0.5f},
        weight("c"), new float[] {2, -6},
        new ParamKey("bn", ParamRole.GAMMA), new float[] {-0.5f, 2}));
  }

  @Test
  void l1AndL2OfHandSetConvFiltersAreExact() {
    GraphBuilder g = Graph.builder("one");
    g.input("input", 2, 3, 3);
    g.add("conv", Conv.of(2, 2, 1, 0), "input"); // weight [2, 2, 2, 2]
    g.add("head", Conv.of(1, 1, 1, 0), "conv");
    Model m = model(g.output("head").build(), Map.of(weight("conv"),
        new float[] {1, -2, 3, -4, 0, 0, 0, 1, /* filter 1 */ 0.5f, 0.5f, -0.5f, 0.5f, 2, 0, 0, 0}));
    DependencyGraph d = DependencyGraph.of(m.graph());
    ChannelGroup grp = d.groupOf("conv");
    assertArrayEquals(new float[] {11f, 4f}, new MagnitudeImportance(MagnitudeImportance.Norm.L1).score(m, d, null).scores(grp), 1e-6f);
    assertArrayEquals(new float[] {(float) Math.sqrt(31), (float) Math.sqrt(5)},
        new MagnitudeImportance(MagnitudeImportance.Norm.L2).score(m, d, null).scores(grp), 1e-6f);
  }

  @Test
  void producersCoupledByAddSumTheirFilterNorms() {
    Model m = residualModel();
    DependencyGraph d = DependencyGraph.of(m.graph());
    ChannelGroup grp = d.groupOf("a");
    assertEquals(List.of("a", "b"), grp.producers());
    float[] l1 = new MagnitudeImportance(MagnitudeImportance.Norm.L1).score(m, d, null).scores(grp);
    assertEquals(3 + 1, l1[0], TOL);
    assertEquals(4 + 0.5, l1[1], TOL);
    float[] withConsumers = new MagnitudeImportance(MagnitudeImportance.Norm.L1, true).score(m, d, null).scores(grp);
    assertEquals(3 + 1 + 2, withConsumers[0], TOL);
    assertEquals(4 + 0.5 + 6, withConsumers[1], TOL);
  }

  @Test
  void depthwiseFilterCountsAndFlattenedConsumerSlicesSumOverTheirFeatures() {
    GraphBuilder g = Graph.builder("dwflat");
    g.input("input", 1, 2, 2);
    g.add("expand", Conv.of(2, 1, 1, 0), "input"); // weight [2,1,1,1]
    g.add("dw", Conv.of(2, 1, 1, 0).withGroups(2), "expand"); // depthwise, weight [2,1,1,1]
    g.add("flat", new Flatten(), "dw"); // channel c -> features 4c..4c+3
    g.add("fc", new Gemm(1, false), "flat"); // weight [1, 8]
    Model m = model(g.output("fc").build(), Map.of(
        weight("expand"), new float[] {1, 2},
        weight("dw"), new float[] {-10, 20},
        weight("fc"), new float[] {1, -1, 1, -1, 3, 0, 0, 4}));
    DependencyGraph d = DependencyGraph.of(m.graph());
    ChannelGroup grp = d.groupOf("expand");
    assertEquals(List.of("expand", "dw"), grp.producers());
    assertArrayEquals(new float[] {11, 22}, new MagnitudeImportance(MagnitudeImportance.Norm.L1).score(m, d, null).scores(grp), 1e-6f);
    // consumer fc: unit 0 reads features 0..3 (norms 1+1+1+1), unit 1 features 4..7 (3+0+0+4)
    assertArrayEquals(new float[] {15, 29}, new MagnitudeImportance(MagnitudeImportance.Norm.L2, true).score(m, d, null).scores(grp), 1e-6f);
  }

  @Test
  void bnScaleIsAbsoluteGammaAndRefusesAGraphWithoutBn() {
    Model m = residualModel();
    DependencyGraph d = DependencyGraph.of(m.graph());
    GroupScores s = new BnScaleImportance().score(m, d, null);
    assertArrayEquals(new float[] {0.5f, 2f}, s.scores(d.groupOf("a")), 1e-6f);
    assertTrue(s.notes().isEmpty(), s.notes().toString());

    GraphBuilder g = Graph.builder("nobn");
    g.input("input", 1, 2, 2);
    g.add("conv", Conv.of(2, 1, 1, 0), "input");
    g.add("head", Conv.of(1, 1, 1, 0), "conv");
    Model plain = model(g.output("head").build(), Map.of(weight("conv"), new float[] {-7, 2}));
    DependencyGraph dp = DependencyGraph.of(plain.graph());
    var e = assertThrows(dev.topiary.engine.InvalidPruningConfigException.class, () -> new BnScaleImportance().score(plain, dp, null));
    assertTrue(e.getMessage().contains("no prunable group of graph 'nobn'") && e.getMessage().contains("TrainingMode.PRESERVE"), e.getMessage());
  }

  @Test
  void scoresOnlyPrunableGroupsAndRefusesBlockedOnes() {
    Model m = residualModel();
    DependencyGraph d = DependencyGraph.of(m.graph());
    GroupScores s = new MagnitudeImportance(MagnitudeImportance.Norm.L1).score(m, d, null);
    assertEquals(d.prunableGroups().stream().map(ChannelGroup::id).toList(), List.copyOf(s.groupIds()));
    var e = assertThrows(IllegalArgumentException.class, () -> s.scores(d.groupOf("c")));
    assertTrue(e.getMessage().contains("blocked"), e.getMessage());
  }

  @Test
  void rejectsDependencyGraphOfAnotherGraph() {
    Model m = residualModel();
    DependencyGraph other = DependencyGraph.of(residual());
    assertThrows(IllegalArgumentException.class, () -> new MagnitudeImportance(MagnitudeImportance.Norm.L1).score(m, other, null));
  }
}
