package dev.topiary.engine.prune.sparse;

import static dev.topiary.engine.prune.sparse.SparseFixtures.weight;
import static dev.topiary.engine.prune.sparse.SparseFixtures.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.zoo.Zoo;
import java.util.List;
import org.junit.jupiter.api.Test;

class MagnitudePrunerTest {
  private static final Model TINY = SparseFixtures.randomModel(SparseFixtures.tinyGraph(), 1);

  /** fc [3, 12]: the smallest magnitudes are 0.01 (index 7), then 0.1 at indices 1 and 5 (a tie). */
  private static final float[] FC = {
      0.5f, -0.1f, 0.3f, -0.7f, 0.2f, 0.1f, -0.9f, 0.01f, 0.6f, -0.3f, 0.4f, -0.8f,
      1.1f, 1.2f, -1.3f, 1.4f, 1.5f, 1.6f, 1.7f, -1.8f, 1.9f, 2.0f, 2.1f, 2.2f,
      -2.3f, 2.4f, 2.5f, 2.6f, 2.7f, 2.8f, 2.9f, 3.0f, 3.1f, 3.2f, 3.3f, -3.4f};

  @Test
  void zeroesExactlyTheSmallestMagnitudesWithTiesByIndex() {
    Model m = SparseFixtures.withValues(TINY, "fc", FC);
    // 36 weights at 0.05: floor(1.8) = 1 zero, the 0.01
    Model one = MagnitudePruner.layerwise(m, SparsityRules.parse("node:fc=0.05")).applyTo(m);
    float[] w = one.weights().get(weight("fc")).data();
    assertEquals(0f, w[7]);
    assertEquals(1, zeros(one, "fc"));
    // at 2/36 the tie between indices 1 and 5 goes to the lower index
    Model two = MagnitudePruner.layerwise(m, SparsityRules.parse("node:fc=0.0556")).applyTo(m);
    w = two.weights().get(weight("fc")).data();
    assertTrue(w[7] == 0f && w[1] == 0f && w[5] == 0.1f, "tie: index 1 pruned before 5");
    assertEquals(2, zeros(two, "fc"));
    // at 3/36 both tied weights go
    Model three = MagnitudePruner.layerwise(m, SparsityRules.parse("node:fc=0.0834")).applyTo(m);
    w = three.weights().get(weight("fc")).data();
    assertTrue(w[7] == 0f && w[1] == 0f && w[5] == 0f);
    assertEquals(3, zeros(three, "fc"));
    assertEquals(-0.9f, w[6], "kept weights keep their value");
    assertArrayEquals(FC, m.weights().get(weight("fc")).data(), "the input model is untouched");
  }

  @Test
  void countIsFloorOfTheDecimalProductAndNeverEmptiesALayer() {
    assertEquals(29, MagnitudePruner.zerosFor(100, 0.29));
    assertEquals(28, (long) Math.floor(0.29 * 100), "binary floating point would give 28");
    assertEquals(4, MagnitudePruner.zerosFor(9, 0.5));
    assertEquals(9, MagnitudePruner.zerosFor(10, 0.99));
    assertEquals(0, MagnitudePruner.zerosFor(1, 0.99));
    assertEquals(0, MagnitudePruner.zerosFor(7, 0));
  }

  @Test
  void laterRulesOverrideEarlierOnesAndUnselectedLayersStayDense() {
    SparsityMask mask = MagnitudePruner.layerwise(TINY, SparsityRules.parse("*=0.5; Gemm=0.25"));
    assertEquals(16, mask.pruned(weight("conv1")), "32 conv weights at 0.5");
    assertEquals(9, mask.pruned(weight("fc")), "36 fc weights at 0.25");
    SparsityMask convOnly = MagnitudePruner.layerwise(TINY, SparsityRules.parse("Conv=0.5"));
    assertEquals(List.of(weight("conv1")), List.copyOf(convOnly.keys()));
    assertEquals(0, zeros(convOnly.applyTo(TINY), "fc"));
  }

  @Test
  void appliesPaddlesVgg16RecipePerConvOrdinalAndToTheClassifier() {
    Graph g = Zoo.build("vgg16-bn");
    Model model = SparseFixtures.randomModel(g, 7);
    SparsityRules recipe = SparsityRules.parse("Conv[1..2]=0.5; Conv[3..12]=0.8; Gemm=0.99");
    Model sparse = MagnitudePruner.layerwise(model, recipe).applyTo(model);
    List<Node> convs = g.nodes().stream().filter(n -> n.type() == OpType.CONV).toList();
    assertEquals(13, convs.size());
    for (int i = 0; i < convs.size(); i++) {
      double target = i < 2 ? 0.5 : i < 12 ? 0.8 : 0;
      assertReached(sparse, convs.get(i).name(), target);
    }
    assertEquals(0, zeros(sparse, convs.get(12).name()), "the recipe names conv 1 to 12 only: conv 13 stays dense");
    for (Node fc : g.nodes().stream().filter(n -> n.type() == OpType.GEMM).toList()) {
      assertReached(sparse, fc.name(), 0.99);
    }
    assertSmallestPruned(model, sparse, weight("features.conv7"));
  }

  @Test
  void globalThresholdPrunesTheSmallestAcrossLayers() {
    Model m = SparseFixtures.withValues(TINY, "fc", FC);
    float[] conv = m.weights().get(weight("conv1")).data();
    for (int i = 0; i < conv.length; i++) {
      conv[i] = 0.0001f * (i + 1); // every conv weight is smaller than every fc weight
    }
    SparsityMask mask = MagnitudePruner.global(m, 0.5); // floor(0.5 * 68) = 34
    assertEquals(32, mask.pruned(weight("conv1")), "all of conv1 goes first");
    assertEquals(2, mask.pruned(weight("fc")));
    boolean[] fc = mask.keep(weight("fc"));
    assertFalse(fc[7] || fc[1], "then the two smallest fc weights");
    assertTrue(fc[5]);
    SparsityMask fcOnly = MagnitudePruner.global(m, 0.5, List.of(LayerSelector.type(OpType.GEMM)));
    assertEquals(18, fcOnly.pruned(weight("fc")));
    assertEquals(List.of(weight("fc")), List.copyOf(fcOnly.keys()));
  }

  @Test
  void rejectsSparsityOutsideZeroToOneNamingTheLayer() {
    InvalidPruningConfigException e = assertThrows(InvalidPruningConfigException.class,
        () -> SparsityRules.builder().add("node:fc", 1.0));
    assertTrue(e.getMessage().contains("node:fc") && e.getMessage().contains("1.0"), e.getMessage());
    e = assertThrows(InvalidPruningConfigException.class, () -> SparsityRules.parse("Conv[1..2]=0.5; Gemm=-0.1"));
    assertTrue(e.getMessage().contains("Gemm") && e.getMessage().contains("-0.1"), e.getMessage());
    e = assertThrows(InvalidPruningConfigException.class, () -> MagnitudePruner.global(TINY, 1.5));
    assertTrue(e.getMessage().contains("1.5"), e.getMessage());
  }

  @Test
  void rejectsRulesNamingUnknownOrUnprunableNodesOrOrdinals() {
    InvalidPruningConfigException e = assertThrows(InvalidPruningConfigException.class,
        () -> MagnitudePruner.layerwise(TINY, SparsityRules.parse("node:conv9=0.5")));
    assertTrue(e.getMessage().contains("'conv9'"), e.getMessage());
    e = assertThrows(InvalidPruningConfigException.class,
        () -> MagnitudePruner.layerwise(TINY, SparsityRules.parse("node:bn1=0.5")));
    assertTrue(e.getMessage().contains("bn1") && e.getMessage().contains("BatchNormalization"), e.getMessage());
    e = assertThrows(InvalidPruningConfigException.class,
        () -> MagnitudePruner.layerwise(TINY, SparsityRules.parse("Conv[1..2]=0.5")));
    assertTrue(e.getMessage().contains("Conv[1..2]") && e.getMessage().contains("only 1 Conv"), e.getMessage());
  }

  private static void assertReached(Model sparse, String node, double target) {
    long n = sparse.weights().get(weight(node)).data().length;
    double reached = (double) zeros(sparse, node) / n;
    assertTrue(Math.abs(reached - target) <= 1.0 / n, node + ": reached " + reached + ", target " + target);
  }

  private static void assertSmallestPruned(Model dense, Model sparse, ParamKey k) {
    float[] before = dense.weights().get(k).data();
    float[] after = sparse.weights().get(k).data();
    float maxPruned = 0;
    float minKept = Float.MAX_VALUE;
    for (int i = 0; i < before.length; i++) {
      if (after[i] == 0f) {
        maxPruned = Math.max(maxPruned, Math.abs(before[i]));
      } else {
        minKept = Math.min(minKept, Math.abs(before[i]));
      }
    }
    assertTrue(maxPruned <= minKept, k + ": pruned up to " + maxPruned + " but kept " + minKept);
  }
}
