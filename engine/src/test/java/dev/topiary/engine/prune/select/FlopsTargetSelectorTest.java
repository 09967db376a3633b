package dev.topiary.engine.prune.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlopsTargetSelectorTest {

  @Test
  void reachesHalfTheMacsAndOneUnitFewerFallsShort() {
    Model m = Fixtures.randomModel(Fixtures.resnet(), 8);
    DependencyGraph d = DependencyGraph.of(m.graph());
    Map<Integer, float[]> s = Fixtures.randomScores(d, 9);
    PruningPlan p = FlopsTargetSelector.builder().setReduction(0.5).build().plan(d, s);
    assertTrue(p.macsReduction() >= 0.5, p.table());

    // the removed unit with the highest normalised score is the last the search added
    int lastGroup = -1;
    int lastUnit = -1;
    double highest = Double.NEGATIVE_INFINITY;
    Map<Integer, int[]> removed = new HashMap<>();
    for (PruningPlan.Entry e : p.entries()) {
      float[] v = s.get(e.groupId());
      double max = 0;
      for (float x : v) {
        max = Math.max(max, Math.abs(x));
      }
      for (int u : e.removed()) {
        if (v[u] / max > highest) {
          highest = v[u] / max;
          lastGroup = e.groupId();
          lastUnit = u;
        }
      }
      removed.put(e.groupId(), e.removed());
    }
    int drop = lastUnit;
    removed.put(lastGroup, Arrays.stream(removed.get(lastGroup)).filter(u -> u != drop).toArray());
    PruningPlan fewer = PruningPlan.of(d, removed, "one unit fewer");
    assertTrue(fewer.macsReduction() < 0.5, "one unit fewer still reaches " + fewer.macsReduction());

    Model pruned = p.apply(m);
    assertEquals(p.macsAfter(), pruned.graph().macs());
  }

  @Test
  void theCapStopsTheRankingFromCripplingAGroupAndAnUnreachableTargetNamesIt() {
    DependencyGraph d = DependencyGraph.of(Fixtures.wide()); // 32, 64 and 48 channels
    Map<Integer, float[]> s = Fixtures.randomScores(d, 6);
    // one group's scores far below the others': uncapped, the target is met from that group alone
    int victim = d.prunableGroups().get(0).id();
    int units = d.prunableGroups().get(0).units();
    float[] low = s.get(victim).clone();
    for (int i = 0; i < low.length; i++) {
      low[i] *= 1e-3f;
    }
    s.put(victim, low);
    PruningPlan free = FlopsTargetSelector.builder().setReduction(0.5).optNormalization(Normalization.NONE).build().plan(d, s);
    PruningPlan capped = FlopsTargetSelector.builder().setReduction(0.5).optNormalization(Normalization.NONE).optMaxPruningRatio(0.5)
        .build().plan(d, s);
    int total = free.entries().stream().mapToInt(e -> e.removed().length).sum();
    assertEquals(total, removedFrom(free, victim), "uncapped, only the low group is cut: " + free.table());
    assertTrue(total > units / 2, free.table());
    assertEquals(units / 2, removedFrom(capped, victim), capped.table());
    assertTrue(capped.macsReduction() >= 0.5, capped.table());
    for (PruningPlan.Entry e : capped.entries()) {
      int groupUnits = d.prunableGroups().stream().filter(g -> g.id() == e.groupId()).findFirst().orElseThrow().units();
      assertTrue(e.removed().length <= groupUnits / 2, "group " + e.groupId() + " lost more than half: " + capped.table());
    }
    var refused = assertThrows(InvalidPruningConfigException.class,
        () -> FlopsTargetSelector.builder().setReduction(0.9).optMaxPruningRatio(0.5).build().plan(d, s));
    assertTrue(refused.getMessage().contains("maxPruningRatio 0.5"), refused.getMessage());
  }

  private static int removedFrom(PruningPlan p, int group) {
    return p.entries().stream().filter(e -> e.groupId() == group).mapToInt(e -> e.removed().length).sum();
  }

  @Test
  void reportsTheReachedReduction() {
    DependencyGraph d = DependencyGraph.of(Fixtures.vgg());
    PruningPlan p = FlopsTargetSelector.builder().setReduction(0.3).build().plan(d, Fixtures.randomScores(d, 2));
    assertEquals(1 - (double) p.macsAfter() / p.macsBefore(), p.macsReduction(), 1e-12);
    assertTrue(p.description().startsWith("MACs reduction target 0.3 (reached "), p.description());
    assertTrue(p.table().contains(String.format(java.util.Locale.ROOT, "(-%.2f%%)", 100 * p.macsReduction())), p.table());
  }

  @Test
  void meetsTheTargetWithChannelsInMultiplesOfEight() {
    DependencyGraph d = DependencyGraph.of(Fixtures.wide());
    PruningPlan p = FlopsTargetSelector.builder().setReduction(0.5).optRoundTo(8).build().plan(d, Fixtures.randomScores(d, 6));
    assertTrue(p.macsReduction() >= 0.5);
    for (PruningPlan.Entry e : p.entries()) {
      assertEquals(0, e.kept() % 8, e.toString());
    }
  }

  @Test
  void aDefaultRoundingThatCannotReachTheTargetIsHalvedAndSaidAnExplicitOneIsRefused() {
    DependencyGraph d = DependencyGraph.of(Fixtures.wide()); // 32, 64 and 48 channels: rounded to 32, at most -50.3%
    Map<Integer, float[]> scores = Fixtures.randomScores(d, 6);
    var refused = assertThrows(InvalidPruningConfigException.class,
        () -> FlopsTargetSelector.builder().setReduction(0.7).optRoundTo(32).build().plan(d, scores));
    assertTrue(refused.getMessage().contains("rounded to multiples of roundTo 32"), refused.getMessage());
    PruningPlan p = FlopsTargetSelector.builder().setReduction(0.7).optRoundTo(32).optRoundingFallback(true).build().plan(d, scores);
    assertTrue(p.macsReduction() >= 0.7, p.description());
    for (PruningPlan.Entry e : p.entries()) {
      assertEquals(0, e.kept() % 16, e.toString());
    }
    assertTrue(p.description().endsWith("kept counts rounded to 16 (the default 32 could not reach the target)"), p.description());
    PruningPlan reachable = FlopsTargetSelector.builder().setReduction(0.4).optRoundTo(32).optRoundingFallback(true).build().plan(d, scores);
    assertFalse(reachable.description().contains("could not reach"), "a reachable target keeps the rounding: " + reachable.description());
    for (PruningPlan.Entry e : reachable.entries()) {
      assertEquals(0, e.kept() % 32, e.toString());
    }
  }

  @Test
  void unreachableTargetSaysWhatCanBeReached() {
    DependencyGraph d = DependencyGraph.of(Fixtures.vgg());
    var e = assertThrows(InvalidPruningConfigException.class,
        () -> FlopsTargetSelector.builder().setReduction(0.95).optMinChannels(8).build().plan(d, Fixtures.randomScores(d, 2)));
    assertTrue(e.getMessage().startsWith("graph 'vgg': a MACs reduction of 0.95 cannot be reached; pruning every prunable group down to minChannels 8 reaches 0."),
        e.getMessage());
  }
}
