package dev.topiary.engine.prune.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompressRateSelectorTest {

  private static Map<Integer, float[]> vggScores(DependencyGraph d) {
    Map<Integer, float[]> s = Fixtures.randomScores(d, 7);
    s.put(d.groupOf("conv0").id(), new float[] {5, 1, 9, 1, 3, 8, 7, 2, 6, 4});
    s.put(d.groupOf("conv2").id(), new float[12]); // all tied: lower indices go first
    return s;
  }

  @Test
  void keepsFiltersMinusIntOfRateTimesFiltersLikeHRank() {
    DependencyGraph d = DependencyGraph.of(Fixtures.vgg());
    PruningPlan plan = CompressRateSelector.builder().setRates("[0.25]+[0.3]+[0.75]*2").build().plan(d, vggScores(d));
    // 10 - int(2.5), 16 - int(4.8), 12 - int(9.0), 8 - int(6.0); int(10 * (1 - 0.25)) would be 7
    assertEquals(List.of(8, 12, 3, 2), plan.entries().stream().map(PruningPlan.Entry::kept).toList());
    assertEquals(List.of("conv0", "conv1", "conv2", "conv3"), plan.entries().stream().map(PruningPlan.Entry::groupName).toList());
  }

  @Test
  void removesTheLowestScoredFiltersTiesToTheLowerIndex() {
    DependencyGraph d = DependencyGraph.of(Fixtures.vgg());
    Map<Integer, float[]> scores = vggScores(d);
    PruningPlan plan = CompressRateSelector.builder().setRates("[0.25]+[0.3]+[0.75]*2").build().plan(d, scores);
    assertArrayEquals(new int[] {1, 3}, plan.entry("conv0").removed()); // the two scores of 1
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, plan.entry("conv2").removed());
    float[] s1 = scores.get(d.groupOf("conv1").id());
    int[] removed = plan.entry("conv1").removed();
    assertEquals(4, removed.length);
    float highestRemoved = Float.NEGATIVE_INFINITY;
    for (int u : removed) {
      highestRemoved = Math.max(highestRemoved, s1[u]);
    }
    for (int u = 0; u < s1.length; u++) {
      if (java.util.Arrays.binarySearch(removed, u) < 0) {
        assertTrue(s1[u] > highestRemoved, "kept unit " + u + " scores below a removed one");
      }
    }
  }

  @Test
  void appliedPlanHasThePlannedFilterCounts() {
    Model m = Fixtures.randomModel(Fixtures.vgg(), 3);
    DependencyGraph d = DependencyGraph.of(m.graph());
    PruningPlan plan = CompressRateSelector.builder().setRates(List.of(0.25, 0.3, 0.75, 0.75)).build().plan(d, vggScores(d));
    Graph p = plan.apply(m).graph();
    for (String conv : List.of("conv0", "conv1", "conv2", "conv3")) {
      assertEquals(plan.entry(conv).kept(), ((Conv) p.node(conv).op()).outChannels(), conv);
    }
    assertEquals(p.macs(), plan.macsAfter());
  }

  @Test
  void rejectsCompressRateListOfWrongLength() {
    DependencyGraph d = DependencyGraph.of(Fixtures.vgg());
    var e = assertThrows(InvalidPruningConfigException.class,
        () -> CompressRateSelector.builder().setRates("[0.5]*3").build().plan(d, vggScores(d)));
    assertEquals("expected 4 compress rates, one per Conv of graph 'vgg' in layer order (conv0, conv1, conv2, conv3), got 3", e.getMessage());
  }

  @Test
  void coupledResidualGroupTakesItsFirstProducersRateByDefault() {
    DependencyGraph d = DependencyGraph.of(Fixtures.resnet());
    Map<Integer, float[]> s = Fixtures.randomScores(d, 11);
    String rates = "[0.5]+[0.25]+[0.75]+[0.5]+[0.25]"; // stem, b1.conv1, b1.conv2, b2.conv1, b2.conv2
    PruningPlan first = CompressRateSelector.builder().setRates(rates).build().plan(d, s);
    assertEquals(List.of("stem", "b1.conv2", "b2.conv2"), first.entry("stem").producers());
    assertEquals(2, first.entry("stem").kept()); // the stem's 0.5 of 4
    assertEquals(3, first.entry("b1.conv1").kept());
    assertEquals(4, first.entry("b2.conv1").kept());
    assertEquals(3, first.entry("b2.conv2").kept()); // the 4 padded channels: b2.conv2's 0.25
    PruningPlan max = CompressRateSelector.builder().setRates(rates).optCoupledRate(CoupledRate.MAXIMUM).build().plan(d, s);
    assertEquals(1, max.entry("stem").kept()); // b1.conv2's 0.75
    PruningPlan min = CompressRateSelector.builder().setRates(rates).optCoupledRate(CoupledRate.MINIMUM).build().plan(d, s);
    assertEquals(3, min.entry("stem").kept()); // b2.conv2's 0.25

    Model pruned = first.apply(Fixtures.randomModel(d.graph(), 5));
    assertEquals(2, ((Conv) pruned.graph().node("b1.conv2").op()).outChannels());
    assertEquals(2 + 3, ((Conv) pruned.graph().node("b2.conv2").op()).outChannels());
    assertEquals(pruned.graph().macs(), first.macsAfter());
  }

  @Test
  void refusesRatesLeavingFewerThanMinChannelsAndRatesOnBlockedGroups() {
    DependencyGraph d = DependencyGraph.of(Fixtures.vgg());
    var e = assertThrows(InvalidPruningConfigException.class, () -> CompressRateSelector.builder()
        .setRates("[0]+[0.95]+[0]*2").optMinChannels(4).build().plan(d, vggScores(d)));
    assertTrue(e.getMessage().startsWith("group conv1 has 16 channels: ratio 0.95 would keep 1, fewer than minChannels 4; the largest ratio allowed is 0.75"), e.getMessage());

    DependencyGraph excluded = DependencyGraph.of(Fixtures.vgg(), Set.of("conv0"));
    var b = assertThrows(InvalidPruningConfigException.class, () -> CompressRateSelector.builder()
        .setRates("[0.5]+[0.5]*3").build().plan(excluded, vggScores(excluded)));
    assertEquals("compress rate 0.5 of 'conv0' cannot be applied: group conv0 cannot be pruned (node 'conv0' is excluded); give it 0 or exclude it", b.getMessage());
    PruningPlan ok = CompressRateSelector.builder().setRates("[0.0]+[0.5]*3").build().plan(excluded, vggScores(excluded));
    assertEquals(List.of("conv1", "conv2", "conv3"), ok.entries().stream().map(PruningPlan.Entry::groupName).toList());
  }

  @Test
  void builderNamesTheMissingField() {
    var e = assertThrows(IllegalArgumentException.class, () -> CompressRateSelector.builder().build());
    assertTrue(e.getMessage().contains("rates"), e.getMessage());
    var r = assertThrows(IllegalArgumentException.class, () -> CompressRateSelector.builder().setRates("[0.1]").optRoundTo(0).build());
    assertTrue(r.getMessage().contains("roundTo"), r.getMessage());
  }

  @Test
  void missingScoresForAGroupToPruneAreNamed() {
    DependencyGraph d = DependencyGraph.of(Fixtures.vgg());
    Map<Integer, float[]> s = vggScores(d);
    s.remove(d.groupOf("conv1").id());
    var e = assertThrows(InvalidPruningConfigException.class,
        () -> CompressRateSelector.builder().setRates("[0.5]*4").build().plan(d, s));
    assertEquals("no importance scores for group(s) #" + d.groupOf("conv1").id() + " (conv1)", e.getMessage());
    s.put(d.groupOf("conv1").id(), new float[3]);
    var len = assertThrows(InvalidPruningConfigException.class,
        () -> CompressRateSelector.builder().setRates("[0.5]*4").build().plan(d, s));
    assertTrue(len.getMessage().contains("have 3 values, expected 16"), len.getMessage());
  }

  @Test
  void mapsHRanksResNet56ListOntoTheConvsInLayerOrder() {
    Model m = Fixtures.randomModel(Fixtures.hrankResNet(56), 56);
    DependencyGraph d = DependencyGraph.of(m.graph());
    PruningPlan p = CompressRateSelector.builder().setRates(CompressRatesTest.RESNET_56).build().plan(d, Fixtures.randomScores(d, 56));
    assertEquals(30, p.entries().size()); // 27 block conv1s, stage 1, and the channels stages 2 and 3 pad
    assertEquals(7, p.entry("layer1.0.conv1").kept()); // rate #1 0.6: 16 - int(9.6)
    assertEquals(64, p.entry("layer3.0.conv1").kept()); // rate #37 0.0
    assertEquals(58, p.entry("layer3.8.conv1").kept()); // rate #53 0.1: 64 - int(6.4)
    assertEquals(15, p.entry("conv1").kept()); // stage 1 follows the stem's rate #0 0.1
    assertEquals(7, p.entry("layer2.0.conv2").kept()); // stage 2's padded 16 follow rate #20 0.6
    assertEquals(13, p.entry("layer3.0.conv2").kept()); // stage 3's padded 32 follow rate #38 0.6: 32 - int(19.2)
    Graph pruned = p.apply(m).graph();
    assertEquals(15 + 7 + 13, ((Conv) pruned.node("layer3.8.conv2").op()).outChannels());
    assertEquals(pruned.macs(), p.macsAfter());
    assertEquals(pruned.parameterCount(), p.paramsAfter());
    var wrong = assertThrows(InvalidPruningConfigException.class,
        () -> CompressRateSelector.builder().setRates("[0.1]+[0.6]*53").build().plan(d, Map.of()));
    assertTrue(wrong.getMessage().startsWith("expected 55 compress rates, one per Conv of graph 'resnet_56' in layer order (conv1, layer1.0.conv1, layer1.0.conv2,"), wrong.getMessage());
    assertTrue(wrong.getMessage().endsWith("layer3.8.conv2), got 54"), wrong.getMessage());
  }
}
