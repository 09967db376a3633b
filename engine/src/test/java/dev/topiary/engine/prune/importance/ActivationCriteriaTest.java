package dev.topiary.engine.prune.importance;

import static dev.topiary.engine.prune.importance.ImportanceFixtures.batches;
import static dev.topiary.engine.prune.importance.ImportanceFixtures.model;
import static dev.topiary.engine.prune.importance.ImportanceFixtures.weight;
import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.data.DataLoader;
import dev.topiary.engine.data.ImageDataset;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.importance.ImportanceFixtures.HandBatch;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HRank and APoZ end to end on tiny graphs whose feature maps are known by construction. */
class ActivationCriteriaTest {

  /** input(1x4x4) -> conv1 (filters +1, -1) -> bn1 (identity) -> relu1 -> conv2: channel 0 is relu(X), channel 1 relu(-X). */
  static Model signSplit(int side) {
    GraphBuilder g = Graph.builder("split");
    g.input("input", 1, side, side);
    g.add("conv1", Conv.of(2, 1, 1, 0), "input");
    g.add("bn1", BatchNormalization.standard(), "conv1");
    g.add("relu1", new Relu(), "bn1");
    g.add("conv2", Conv.of(1, 1, 1, 0), "relu1");
    return model(g.output("conv2").build(), Map.of(weight("conv1"), new float[] {1, -1}));
  }

  static float[] concat(float[]... maps) {
    int n = 0;
    for (float[] m : maps) {
      n += m.length;
    }
    float[] out = new float[n];
    int o = 0;
    for (float[] m : maps) {
      System.arraycopy(m, 0, out, o, m.length);
      o += m.length;
    }
    return out;
  }

  @Test
  void hrankAveragesPostActivationRanksOverTheImagesOfLimitBatches() {
    Model m = signSplit(4);
    float[] a = {1, 1, 2, 1, 2, 2, 4, 2, 3, 3, 6, 3, 4, 4, 8, 4}; // u v^T, positive: rank 1, relu(-A) = 0
    float[] b = {-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1}; // -I: relu(B) = 0, relu(-B) = I, rank 4
    float[] c = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}; // rank 2, relu(-C) = 0
    float[] d = {1, 2, 3, 4, 4, 1, 2, 3, 3, 4, 1, 2, 2, 3, 4, 9}; // full rank, beyond the limit
    var data = batches(new int[] {1, 4, 4}, List.of(
        new HandBatch(concat(a, b), new int[] {0, 0}),
        new HandBatch(c, new int[] {0}),
        new HandBatch(d, new int[] {0})));
    DependencyGraph deps = DependencyGraph.of(m.graph());
    GroupScores s = new HRankImportance().score(m, deps, ScoringData.of(data, 2));
    // channel 0: ranks 1, 0, 2; channel 1: 0, 4, 0 (at bn1, before the ReLU, both would be 1, 4, 2)
    assertArrayEquals(new float[] {1f, 4f / 3}, s.scores(deps.groupOf("conv1")), 1e-6f);
    assertEquals(2, s.batches());
    assertEquals(3, s.images());
  }

  @Test
  void dataScoresOfCoupledProducersAreSummedAtEachCapturePoint() {
    // a -> bn -> add <- b: captured at bn and at b; a's maps are multiples of X, b's channel 0 is zero
    Model m = model(MagnitudeImportanceTest.residual(), Map.of(
        weight("a"), new float[] {3, -4},
        weight("b"), new float[] {0, 0.5f},
        weight("c"), new float[] {1, 1},
        new ParamKey("bn", ParamRole.GAMMA), new float[] {-0.5f, 2}));
    var data = batches(new int[] {1, 2, 2}, List.of(new HandBatch(new float[] {1, 2, -3, 1}, new int[] {0})));
    DependencyGraph deps = DependencyGraph.of(m.graph());
    GroupScores hrank = new HRankImportance().score(m, deps, ScoringData.of(data, 5));
    assertArrayEquals(new float[] {2 + 0, 2 + 2}, hrank.scores(deps.groupOf("a")), 1e-6f);
    GroupScores apoz = new ApozImportance().score(m, deps, ScoringData.of(data, 5));
    assertArrayEquals(new float[] {1 + 0, 1 + 1}, apoz.scores(deps.groupOf("a")), 1e-6f);
    assertTrue(apoz.notes().get(deps.groupOf("a").id()).contains("capture point 'bn' of a is a BatchNormalization output"),
        apoz.notes().toString());
  }

  @Test
  void apozScoresOneMinusTheFractionOfZerosAfterTheReLU() {
    Model m = signSplit(2);
    var data = batches(new int[] {1, 2, 2}, List.of(
        new HandBatch(new float[] {1, -2, 0, 3}, new int[] {0}), // ch0 zeros 2/4, ch1 zeros 3/4
        new HandBatch(new float[] {1, 1, 1, 1}, new int[] {0}))); // ch0 zeros 0/4, ch1 zeros 4/4
    DependencyGraph deps = DependencyGraph.of(m.graph());
    GroupScores s = new ApozImportance().score(m, deps, ScoringData.of(data, 5));
    assertArrayEquals(new float[] {1 - 0.25f, 1 - 0.875f}, s.scores(deps.groupOf("conv1")), 1e-6f);
    assertTrue(s.notes().isEmpty(), s.notes().toString());
  }

  @Test
  void readsADataLoaderUpToItsLimit() {
    byte[] pixels = {0, 51, 0, (byte) 255, /* image 1 */ 0, 0, 0, 0};
    var dataset = ImageDataset.builder().setPixels(pixels).setLabels(new int[] {0, 1})
        .setShape(1, 2, 2).setNumClasses(2).build();
    var loader = DataLoader.builder().setDataset(dataset).setBatchSize(1).build();
    Model m = signSplit(2);
    DependencyGraph deps = DependencyGraph.of(m.graph());
    // pixels are >= 0, so relu(-X) (channel 1) is all zeros
    assertArrayEquals(new float[] {0.5f, 0f}, new ApozImportance().score(m, deps, ScoringData.of(loader, 1)).scores(deps.groupOf("conv1")), 1e-6f);
    assertArrayEquals(new float[] {0.25f, 0f}, new ApozImportance().score(m, deps, ScoringData.of(loader, 2)).scores(deps.groupOf("conv1")), 1e-6f);
  }

  @Test
  void emptyDatasetIsAConfigError() {
    Model m = signSplit(2);
    DependencyGraph deps = DependencyGraph.of(m.graph());
    var e = assertThrows(InvalidPruningConfigException.class,
        () -> new ApozImportance().score(m, deps, ScoringData.of(batches(new int[] {1, 2, 2}, List.of()), 5)));
    assertTrue(e.getMessage().contains("'apoz'") && e.getMessage().contains("no images"), e.getMessage());
  }

  @Test
  void aMapThatCannotBeRankedInALaterBatchFailsThePassNamingIt() {
    // batch 1's statistics run while batch 2's forward pass does; batch 2's NaN reaches relu1
    Model m = signSplit(2);
    var data = batches(new int[] {1, 2, 2}, List.of(
        new HandBatch(new float[] {1, 2, 3, 4}, new int[] {0}),
        new HandBatch(new float[] {1, Float.NaN, 3, 4}, new int[] {0}),
        new HandBatch(new float[] {1, 0, 0, 1}, new int[] {0})));
    DependencyGraph deps = DependencyGraph.of(m.graph());
    var e = assertThrows(IllegalArgumentException.class, () -> new HRankImportance().score(m, deps, ScoringData.of(data, 3)));
    assertTrue(e.getMessage().contains("map 0") && e.getMessage().contains("NaN"), e.getMessage());
    // the same model and the good batches still score afterwards
    var good = batches(new int[] {1, 2, 2}, List.of(
        new HandBatch(new float[] {1, 2, 3, 4}, new int[] {0}),
        new HandBatch(new float[] {1, 0, 0, 1}, new int[] {0})));
    assertArrayEquals(new float[] {2f, 0f}, new HRankImportance().score(m, deps, ScoringData.of(good, 3)).scores(deps.groupOf("conv1")), 1e-6f);
  }
}
