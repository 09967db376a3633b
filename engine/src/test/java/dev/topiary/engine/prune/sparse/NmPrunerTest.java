package dev.topiary.engine.prune.sparse;

import static dev.topiary.engine.prune.sparse.SparseFixtures.weight;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.sparse.NmPruner.NmPruning;
import dev.topiary.engine.zoo.Zoo;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NmPrunerTest {
  private static final Model TINY = SparseFixtures.randomModel(SparseFixtures.tinyGraph(), 3);

  @Test
  void keepsTheTwoLargestOfEveryFourInputChannelsOfAConv() {
    NmPruning result = NmPruner.twoFour().prune(TINY);
    assertEquals(Set.of(), result.skipped().keySet());
    Model sparse = result.mask().applyTo(TINY);
    // conv1 weight [out 2, in 8, kh 1, kw 2]: groups of 4 along in for each (out, kh, kw)
    float[] before = TINY.weights().get(weight("conv1")).data();
    float[] after = sparse.weights().get(weight("conv1")).data();
    int groups = 0;
    for (int o = 0; o < 2; o++) {
      for (int pos = 0; pos < 2; pos++) {
        for (int c0 = 0; c0 < 8; c0 += 4) {
          int[] idx = new int[4];
          for (int j = 0; j < 4; j++) {
            idx[j] = (o * 8 + c0 + j) * 2 + pos;
          }
          assertGroup(before, after, idx, "conv1 out " + o + " pos " + pos + " in " + c0);
          groups++;
        }
      }
    }
    assertEquals(8, groups);
    assertEquals(16, result.mask().pruned(weight("conv1")));
  }

  @Test
  void keepsTheTwoLargestOfEveryFourInputsOfAGemm() {
    Model sparse = NmPruner.twoFour().prune(TINY).mask().applyTo(TINY);
    float[] before = TINY.weights().get(weight("fc")).data();
    float[] after = sparse.weights().get(weight("fc")).data();
    for (int o = 0; o < 3; o++) {
      for (int c0 = 0; c0 < 12; c0 += 4) {
        int base = o * 12 + c0;
        assertGroup(before, after, new int[] {base, base + 1, base + 2, base + 3}, "fc out " + o + " in " + c0);
      }
    }
  }

  @Test
  void prunesTheLowerChannelFirstAmongEqualMagnitudes() {
    float[] fc = new float[36];
    Arrays.fill(fc, 1f);
    fc[2] = -1f;
    Model m = SparseFixtures.withValues(TINY, "fc", fc);
    boolean[] keep = NmPruner.twoFour().prune(m, List.of(LayerSelector.node("fc"))).mask().keep(weight("fc"));
    assertEquals("[false, false, true, true]", Arrays.toString(Arrays.copyOf(keep, 4)));
    boolean[] oneOfFour = NmPruner.of(1, 4).prune(m, List.of(LayerSelector.node("fc"))).mask().keep(weight("fc"));
    assertEquals("[false, false, false, true]", Arrays.toString(Arrays.copyOf(oneOfFour, 4)));
  }

  @Test
  void skipsAndReportsLayersWhoseInputChannelsAreNotAMultipleOfFour() throws Exception {
    Model lenet = SparseFixtures.randomModel(Zoo.build("lenet5"), 5);
    NmPruning result = NmPruner.twoFour().prune(lenet);
    // conv1 [6, 1, 5, 5] and conv2 [16, 6, 5, 5]; fc1 [120, 400], fc2 [84, 120], fc3 [10, 84] fit
    assertEquals(List.of(weight("conv1"), weight("conv2")), List.copyOf(result.skipped().keySet()));
    assertTrue(result.skipped().get(weight("conv1")).contains("has 1 "), result.skipped().get(weight("conv1")));
    assertEquals(List.of(weight("fc1"), weight("fc2"), weight("fc3")), List.copyOf(result.mask().keys()));
    Model sparse = result.mask().applyTo(lenet);
    SparsityReport report = SparsityReport.of(lenet, sparse, result.skipped());
    assertEquals(0, report.layer(weight("conv1")).zeros());
    assertTrue(report.layer(weight("conv1")).note().contains("multiples of 4"));
    assertEquals(0.5, report.layer(weight("fc1")).sparsity());
    assertTrue(report.toTable().contains("conv1.weight") && report.toTable().contains("needs input channels"), report.toTable());
  }

  @Test
  void aspShapeCheckAlsoSkipsWhatTensorCoresCannotRun() {
    Model lenet = SparseFixtures.randomModel(Zoo.build("lenet5"), 5);
    NmPruning result = NmPruner.twoFour().withAspShapeCheck().prune(lenet);
    // fc2 has 120 inputs (not a multiple of 16), fc3 10 outputs (not a multiple of 8)
    assertEquals(List.of(weight("fc1")), List.copyOf(result.mask().keys()));
    assertTrue(result.skipped().get(weight("fc3")).contains("ASP"));
  }

  @Test
  void rejectsPatternsThatKeepNothingOrEverything() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NmPruner.of(4, 4));
    assertTrue(e.getMessage().startsWith("n:"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> NmPruner.of(0, 4));
    assertTrue(e.getMessage().startsWith("n:"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> NmPruner.of(1, 1));
    assertTrue(e.getMessage().startsWith("m:"), e.getMessage());
  }

  /** Exactly two of the four are zero, and every kept magnitude is at least every pruned one. */
  private static void assertGroup(float[] before, float[] after, int[] idx, String where) {
    int zeros = 0;
    float maxPruned = 0;
    float minKept = Float.MAX_VALUE;
    for (int i : idx) {
      if (after[i] == 0f) {
        zeros++;
        maxPruned = Math.max(maxPruned, Math.abs(before[i]));
      } else {
        assertEquals(before[i], after[i], where);
        minKept = Math.min(minKept, Math.abs(before[i]));
      }
    }
    assertEquals(2, zeros, where);
    assertTrue(maxPruned <= minKept, where + ": pruned " + maxPruned + " > kept " + minKept);
  }
}
