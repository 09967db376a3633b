package dev.topiary.engine.prune.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.PruningStep;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.Surgery;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PruningPlanTest {

  @Test
  void applyYieldsThePlannedChannelCountsMacsAndParameters() {
    Model m = Fixtures.randomModel(Fixtures.resnet(), 1);
    DependencyGraph d = DependencyGraph.of(m.graph());
    PruningPlan p = GlobalRatioSelector.builder().setRatio(0.4).build().plan(d, Fixtures.randomScores(d, 2));
    Model pruned = p.apply(m);
    DependencyGraph after = DependencyGraph.of(pruned.graph());
    for (PruningPlan.Entry e : p.entries()) {
      ChannelGroup g = after.groups().get(e.groupId());
      assertEquals(e.groupName(), g.name());
      assertEquals(e.kept(), g.units(), e.toString());
    }
    assertEquals(pruned.graph().macs(), p.macsAfter());
    assertEquals(pruned.graph().parameterCount(), p.paramsAfter());
    assertTrue(p.macsAfter() < p.macsBefore());
    assertEquals(m.graph().macs(), p.macsBefore());
    assertEquals(m.graph().parameterCount(), p.paramsBefore());
    List<PruningStep> steps = pruned.history();
    assertEquals(p.entries().stream().filter(e -> e.removed().length > 0).count(), steps.size());
    assertTrue(steps.stream().allMatch(s -> s.note().equals(p.description())));
    Model replayed = Surgery.replay(m, steps);
    assertEquals(GraphJson.write(pruned.graph()), GraphJson.write(replayed.graph()));
  }

  /** The claim {@link PruningPlan#apply} relies on: group ids and unit numbers survive other groups' surgery. */
  @Test
  void removingOneGroupKeepsEveryOtherGroupsIdSizeAndUnitNumbering() {
    Model m = Fixtures.randomModel(Fixtures.resnet(), 3);
    DependencyGraph d = DependencyGraph.of(m.graph());
    for (ChannelGroup a : d.prunableGroups()) {
      int[] cut = {0, a.units() - 1};
      Model p = Surgery.prune(m, d, a, cut, "");
      DependencyGraph d2 = DependencyGraph.of(p.graph());
      assertEquals(d.groups().size(), d2.groups().size());
      for (ChannelGroup b : d.groups()) {
        ChannelGroup b2 = d2.groups().get(b.id());
        String where = "after cutting " + a.name() + ", group " + b.name();
        assertEquals(b.name(), b2.name(), where);
        assertEquals(b.producers(), b2.producers(), where);
        assertEquals(b.blockedBy(), b2.blockedBy(), where);
        assertEquals(b == a ? b.units() - 2 : b.units(), b2.units(), where);
        if (b == a) {
          continue;
        }
        for (Map.Entry<String, int[][]> space : b.indices().entrySet()) {
          TreeSet<Integer> gone = new TreeSet<>();
          int[][] cutIdx = a.indices().get(space.getKey());
          if (cutIdx != null) {
            for (int u : cut) {
              Arrays.stream(cutIdx[u]).forEach(gone::add);
            }
          }
          for (int u = 0; u < b.units(); u++) {
            int[] expected = Arrays.stream(space.getValue()[u]).map(i -> i - gone.headSet(i).size()).toArray();
            assertArrayEquals(expected, b2.indices().get(space.getKey())[u], where + " unit " + u + " in " + space.getKey());
          }
        }
      }
    }
  }

  @Test
  void groupsCanBeCutInEitherOrderWithTheirOriginalUnits() {
    Model m = Fixtures.randomModel(Fixtures.resnet(), 4);
    DependencyGraph d = DependencyGraph.of(m.graph());
    ChannelGroup stage1 = d.groupOf("stem");
    ChannelGroup pads = d.groupOf("b2.short", 0);
    Model ab = cut(cut(m, stage1.id(), new int[] {1}), pads.id(), new int[] {0, 3});
    Model ba = cut(cut(m, pads.id(), new int[] {0, 3}), stage1.id(), new int[] {1});
    assertEquals(GraphJson.write(ab.graph()), GraphJson.write(ba.graph()));
    for (ParamKey k : ab.weights().keys()) {
      assertEquals(ab.weights().get(k), ba.weights().get(k), k.toString());
    }
  }

  private static Model cut(Model m, int groupId, int[] units) {
    DependencyGraph d = DependencyGraph.of(m.graph());
    return Surgery.prune(m, d, d.groups().get(groupId), units, "");
  }

  @Test
  void tableShowsEachGroupWithProducersChannelsAndRatio() {
    DependencyGraph d = DependencyGraph.of(Fixtures.resnet());
    PruningPlan p = CompressRateSelector.builder().setRates("[0.5]+[0.25]+[0.75]+[0.5]+[0.25]").build().plan(d, Fixtures.randomScores(d, 1));
    String t = p.table();
    assertTrue(t.startsWith("Pruning plan for resA (HRank compress rates, first_producer rate per coupled group): 4 of 4 groups pruned, 8 units removed"), t);
    assertTrue(t.contains(String.format(java.util.Locale.ROOT, "  MACs    %,d -> %,d", p.macsBefore(), p.macsAfter())), t);
    assertTrue(t.matches("(?s).*#1 +stem +stem, b1\\.conv2, b2\\.conv2 +4 -> 2 +0\\.5000\n.*"), t);
    assertTrue(t.matches("(?s).*b2\\.conv1 +b2\\.conv1 +8 -> 4 +0\\.5000\n.*"), t);
  }

  @Test
  void ofRejectsBlockedGroupsEmptiedGroupsAndBadUnits() {
    DependencyGraph d = DependencyGraph.of(Fixtures.vgg());
    var blocked = assertThrows(InvalidPruningConfigException.class, () -> PruningPlan.of(d, Map.of(d.groupOf("fc").id(), new int[] {0}), ""));
    assertTrue(blocked.getMessage().contains("feeds graph output 'fc'"), blocked.getMessage());
    int[] all = java.util.stream.IntStream.range(0, 8).toArray();
    var empty = assertThrows(InvalidPruningConfigException.class, () -> PruningPlan.of(d, Map.of(d.groupOf("conv3").id(), all), ""));
    assertTrue(empty.getMessage().contains("would empty the layer"), empty.getMessage());
    assertThrows(InvalidPruningConfigException.class, () -> PruningPlan.of(d, Map.of(d.groupOf("conv3").id(), new int[] {2, 2}), ""));
    assertThrows(InvalidPruningConfigException.class, () -> PruningPlan.of(d, Map.of(42, new int[] {0}), ""));
    PruningPlan sorted = PruningPlan.of(d, Map.of(d.groupOf("conv3").id(), new int[] {5, 1}), "");
    assertArrayEquals(new int[] {1, 5}, sorted.entry("conv3").removed());
  }

  @Test
  void applyRefusesAModelOfAnotherGraph() {
    DependencyGraph d = DependencyGraph.of(Fixtures.vgg());
    PruningPlan p = PruningPlan.of(d, Map.of(d.groupOf("conv1").id(), new int[] {0}), "");
    Graph other = Fixtures.wide();
    var e = assertThrows(InvalidPruningConfigException.class, () -> p.apply(Fixtures.randomModel(other, 1)));
    assertTrue(e.getMessage().contains("'vgg'"), e.getMessage());
    Model sameShape = Fixtures.randomModel(Fixtures.vgg(), 2); // an equal graph built separately is fine
    assertEquals(15, ((dev.topiary.engine.graph.Conv) p.apply(sameShape).graph().node("conv1").op()).outChannels());
  }
}
