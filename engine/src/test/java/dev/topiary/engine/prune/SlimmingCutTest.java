package dev.topiary.engine.prune;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.schedule.GammaHistogram;
import dev.topiary.engine.prune.schedule.Slimming;
import dev.topiary.engine.prune.schedule.SlimmingCut;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Network slimming's cut on YOLOv5: which channels go, the floor and rounding, and the seed's shortcut rule. */
class SlimmingCutTest {
  private static final Model YOLO = SurgeryTest.randomModel(
      Zoo.build(ModelSpec.builder().setArch("yolov5s").optNumClasses(2).optInputShape(3, 64, 64).build()), 11);

  @Test
  void removesTheSmallestGammaScoresOfEachGroup() {
    PruningPlan plan = Slimming.plan(YOLO, 0.3, SlimmingCut.NONE);
    DependencyGraph deps = DependencyGraph.of(YOLO.graph());
    Map<Integer, float[]> scores = Slimming.gammaScores(YOLO, deps);
    int removedTotal = 0;
    for (PruningPlan.Entry e : plan.entries()) {
      float[] s = scores.get(e.groupId());
      float worstKept = Float.POSITIVE_INFINITY;
      float bestRemoved = Float.NEGATIVE_INFINITY;
      Set<Integer> removed = Arrays.stream(e.removed()).boxed().collect(Collectors.toSet());
      for (int u = 0; u < s.length; u++) {
        if (removed.contains(u)) {
          bestRemoved = Math.max(bestRemoved, s[u]);
        } else {
          worstKept = Math.min(worstKept, s[u]);
        }
      }
      assertTrue(bestRemoved <= worstKept, e.groupName() + ": removed a channel scoring " + bestRemoved + " above a kept one at " + worstKept);
      removedTotal += e.removed().length;
    }
    int all = scores.values().stream().mapToInt(a -> a.length).sum();
    assertEquals(Math.floor(0.3 * all), removedTotal, 1, "a global threshold at 30% removes 30% of the scored channels");
  }

  @Test
  void keepsTheFloorAndRoundsKeptChannelsToEight() {
    PruningPlan plan = Slimming.plan(YOLO, 0.7, new SlimmingCut(4, 0.1, 8, false));
    for (PruningPlan.Entry e : plan.entries()) {
      assertTrue(e.kept() == e.units() || e.kept() % 8 == 0, e.groupName() + " keeps " + e.kept() + " of " + e.units());
      assertTrue(e.kept() >= Math.min(e.units(), 4), e.groupName() + " keeps " + e.kept());
    }
    assertTrue(plan.macsReduction() > 0.2, "a 70% threshold still cuts: " + plan.macsReduction());
  }

  @Test
  void skipShortcutsLeavesResidualGroupsAndTheirInnerChannelsAlone() {
    DependencyGraph deps = DependencyGraph.of(YOLO.graph());
    PruningPlan seed = Slimming.plan(YOLO, 0.3, new SlimmingCut(1, 0, 1, true));
    Set<String> cut = seed.entries().stream().filter(e -> e.removed().length > 0).map(PruningPlan.Entry::groupName).collect(Collectors.toSet());
    String residual = deps.groupOf("model.2.m.0.cv2.conv").name();
    assertFalse(cut.contains(residual), "the C3 shortcut group " + residual + " is skipped");
    assertFalse(cut.contains(deps.groupOf("model.2.m.0.cv1.conv").name()), "a bottleneck's inner channels are skipped");
    assertTrue(cut.contains(deps.groupOf("model.17.m.0.cv1.conv").name()), "a bottleneck without shortcut is cut: " + cut);
    assertTrue(cut.contains(deps.groupOf("model.2.cv2.conv").name()), "C3's side branch is cut: " + cut);
    PruningPlan full = Slimming.plan(YOLO, 0.3, new SlimmingCut(1, 0, 1, false));
    assertTrue(full.entries().stream().anyMatch(e -> e.groupName().equals(residual) && e.removed().length > 0),
        "without skipShortcuts the residual group is pruned");
  }

  @Test
  void histogramCountsEveryBatchNormChannelAndDrawsTheThreshold() {
    GammaHistogram h = GammaHistogram.of(YOLO, "random");
    int channels = YOLO.graph().nodes().stream().filter(n -> n.type() == dev.topiary.engine.graph.OpType.BATCH_NORMALIZATION)
        .mapToInt(n -> YOLO.weights().get(new ParamKey(n.name(), ParamRole.GAMMA)).data().length).sum();
    assertEquals(channels, h.channels());
    assertEquals(channels, Arrays.stream(h.counts(60, h.max())).sum());
    float t = h.threshold(0.5);
    String svg = GammaHistogram.svg("YOLOv5s", java.util.List.of(h), t);
    assertTrue(svg.startsWith("<svg") && svg.contains("threshold") && svg.contains("random (" + channels + " channels)"), svg);
  }
}
