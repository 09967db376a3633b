package dev.topiary.engine.prune.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GlobalRatioSelectorTest {
  private final DependencyGraph deps = DependencyGraph.of(Fixtures.vgg());

  /** Random scores on very different scales per layer. */
  private Map<Integer, float[]> scaledScores() {
    Map<Integer, float[]> s = Fixtures.randomScores(deps, 21);
    scale(s.get(deps.groupOf("conv1").id()), 100);
    scale(s.get(deps.groupOf("conv2").id()), 0.001f);
    scale(s.get(deps.groupOf("conv3").id()), 10);
    return s;
  }

  private static void scale(float[] v, float f) {
    for (int i = 0; i < v.length; i++) {
      v[i] *= f;
    }
  }

  @Test
  void removesExactlyTheGloballyLowestMaxNormalisedUnits() {
    Map<Integer, float[]> s = scaledScores();
    PruningPlan p = GlobalRatioSelector.builder().setRatio(0.5).build().plan(deps, s);
    assertEquals(List.of("conv0", "conv1", "conv2", "conv3"), p.entries().stream().map(PruningPlan.Entry::groupName).toList());
    assertEquals(23, p.removedUnits()); // int(0.5 * 46)
    double highestRemoved = Double.NEGATIVE_INFINITY;
    double lowestKept = Double.POSITIVE_INFINITY;
    for (PruningPlan.Entry e : p.entries()) {
      float[] v = s.get(e.groupId());
      double max = 0;
      for (float x : v) {
        max = Math.max(max, x);
      }
      for (int u = 0; u < v.length; u++) {
        if (Arrays.binarySearch(e.removed(), u) >= 0) {
          highestRemoved = Math.max(highestRemoved, v[u] / max);
        } else {
          lowestKept = Math.min(lowestKept, v[u] / max);
        }
      }
    }
    assertTrue(highestRemoved < lowestKept, highestRemoved + " >= " + lowestKept);
    assertTrue(p.entry("conv2").kept() > 1, "normalised, the small-scale layer is not singled out");
  }

  @Test
  void rawRankingWouldEmptyTheSmallScaleLayerSoMinChannelsHoldsIt() {
    PruningPlan raw = GlobalRatioSelector.builder().setRatio(0.27).optNormalization(Normalization.NONE).build().plan(deps, scaledScores());
    // int(0.27 * 46) = 12: all of conv2, whose raw scores are the smallest; one comes back
    assertEquals(1, raw.entry("conv2").kept());
    assertEquals(11, raw.removedUnits());
    assertEquals(List.of(10, 16, 8), List.of(raw.entry("conv0").kept(), raw.entry("conv1").kept(), raw.entry("conv3").kept()));
    PruningPlan min3 = GlobalRatioSelector.builder().setRatio(0.27).optNormalization(Normalization.NONE).optMinChannels(3).build().plan(deps, scaledScores());
    assertEquals(3, min3.entry("conv2").kept());
  }

  @Test
  void roundsKeptChannelsToMultiplesOfEight() {
    Model m = Fixtures.randomModel(Fixtures.wide(), 4);
    DependencyGraph d = DependencyGraph.of(m.graph());
    PruningPlan p = GlobalRatioSelector.builder().setRatio(0.6).optRoundTo(8).build().plan(d, Fixtures.randomScores(d, 5));
    for (PruningPlan.Entry e : p.entries()) {
      assertEquals(0, e.kept() % 8, e.toString());
    }
    assertTrue(p.removedUnits() > 0);
    Graph pruned = p.apply(m).graph();
    for (ChannelGroup g : DependencyGraph.of(pruned).prunableGroups()) {
      assertEquals(0, g.units() % 8, g.name());
    }
  }

  @Test
  void everyPrunableGroupNeedsScores() {
    Map<Integer, float[]> s = scaledScores();
    s.remove(deps.groupOf("conv3").id());
    var e = assertThrows(InvalidPruningConfigException.class, () -> GlobalRatioSelector.builder().setRatio(0.5).build().plan(deps, s));
    assertTrue(e.getMessage().contains("(conv3)"), e.getMessage());
    s.put(99, new float[1]);
    var unknown = assertThrows(InvalidPruningConfigException.class, () -> GlobalRatioSelector.builder().setRatio(0.5).build().plan(deps, s));
    assertTrue(unknown.getMessage().contains("group #99"), unknown.getMessage());
  }

  @Test
  void builderRejectsRatioOutOfRange() {
    var e = assertThrows(IllegalArgumentException.class, () -> GlobalRatioSelector.builder().setRatio(1.0).build());
    assertTrue(e.getMessage().startsWith("ratio"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GlobalRatioSelector.builder().build());
  }
}
