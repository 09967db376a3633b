package dev.topiary.engine.prune.importance;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.exec.ScriptedOps;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HRankRankTest {

  /** A row-major h x w map, the sum of k random rank-one terms u v^T, rounded to float32. */
  static float[] rankK(int h, int w, int k, Random r) {
    double[] m = new double[h * w];
    for (int t = 0; t < k; t++) {
      double[] u = r.doubles(h, -1, 1).toArray();
      double[] v = r.doubles(w, -1, 1).toArray();
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          m[i * w + j] += u[i] * v[j];
        }
      }
    }
    float[] f = new float[m.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) m[i];
    }
    return f;
  }

  @Test
  void sumOfKRankOneTermsHasRankKFromZeroToFull() {
    Random r = new Random(7);
    for (int[] hw : new int[][] {{8, 8}, {6, 9}, {9, 6}, {1, 5}, {16, 16}}) {
      int h = hw[0];
      int w = hw[1];
      int full = Math.min(h, w);
      for (int k = 0; k <= full; k++) {
        int[] rank = HRankImportance.rankOf(rankK(h, w, k, r), 1, h, w);
        assertEquals(k, rank[0], h + "x" + w + " map of " + k + " rank-one terms");
      }
    }
  }

  @Test
  void allZeroMapHasRankZeroAndAConstantMapRankOne() {
    assertArrayEquals(new int[] {0, 1}, HRankImportance.rankOf(new float[] {0, 0, 0, 0, 3, 3, 3, 3}, 2, 2, 2));
  }

  @Test
  void toleranceRejectsFloat32NoiseOnARankTwoMap() {
    Random r = new Random(11);
    float[] map = rankK(16, 16, 2, r);
    for (int i = 0; i < map.length; i++) {
      map[i] += (float) (1e-7 * r.nextGaussian());
    }
    assertEquals(2, HRankImportance.rankOf(map, 1, 16, 16)[0]);
    // noise far above float32 precision is real rank: the tolerance is not a blunt cut-off
    float[] loud = rankK(16, 16, 2, r);
    for (int i = 0; i < loud.length; i++) {
      loud[i] += (float) (1e-2 * r.nextGaussian());
    }
    assertEquals(16, HRankImportance.rankOf(loud, 1, 16, 16)[0]);
  }

  @Test
  void batchedCallRanksEveryMapInOrderAcrossParallelTasks() {
    Random r = new Random(3);
    int h = 5;
    int w = 7;
    int count = 300; // several tasks of 64 maps
    float[] maps = new float[count * h * w];
    int[] expected = new int[count];
    for (int i = 0; i < count; i++) {
      expected[i] = i % 6;
      System.arraycopy(rankK(h, w, expected[i], r), 0, maps, i * h * w, h * w);
    }
    assertArrayEquals(expected, HRankImportance.rankOf(maps, count, h, w));
  }

  /** 4x4 diagonal around torch's tolerance, 1 * 4 * eps: 1.05 tol counts, 0.95 tol does not (rank 2). */
  private static float[] diagonalAroundTolerance() {
    float eps = Math.ulp(1f);
    float[] square = new float[16];
    square[0] = 1f;
    square[5] = 4 * eps * 1.05f;
    square[10] = 4 * eps * 0.95f;
    return square;
  }

  @Test
  void toleranceIsTorchsLargestSingularValueTimesLargerSideTimesFloat32Epsilon() {
    float eps = Math.ulp(1f);
    assertEquals(2, HRankImportance.rankOf(diagonalAroundTolerance(), 1, 4, 4)[0]);
    // 2x8: the factor is max(h, w) = 8, not the number of singular values (2)
    float[] wide = new float[16];
    wide[0] = 1f;
    wide[9] = 6 * eps;
    assertEquals(1, HRankImportance.rankOf(wide, 1, 2, 8)[0]);
    wide[9] = 9 * eps;
    assertEquals(2, HRankImportance.rankOf(wide, 1, 2, 8)[0]);
  }

  @Test
  void rejectsWrongLengthAndNonFiniteValues() {
    var e = assertThrows(IllegalArgumentException.class, () -> HRankImportance.rankOf(new float[7], 2, 2, 2));
    assertTrue(e.getMessage().contains("got 7"), e.getMessage());
    float[] maps = new float[8];
    maps[6] = Float.NaN;
    e = assertThrows(IllegalArgumentException.class, () -> HRankImportance.rankOf(maps, 2, 2, 2));
    assertTrue(e.getMessage().contains("map 1"), e.getMessage());
  }

  /** [B, C, H, W] maps where image b, channel c has rank (b + 2c) % (min(h, w) + 1); its rank sums per channel. */
  private static double[] expectedSums(float[] into, int b, int c, int h, int w, Random r) {
    double[] sums = new double[c];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < c; j++) {
        int k = (i + 2 * j) % (Math.min(h, w) + 1);
        System.arraycopy(rankK(h, w, k, r), 0, into, (i * c + j) * h * w, h * w);
        sums[j] += k;
      }
    }
    return sums;
  }

  @Test
  void libtorchPathSumsTheSameRanksAsTheJavaKernelAcrossChunks() {
    Random r = new Random(5);
    int b = 9; // split over the pool's chunks unevenly
    int c = 4;
    try (NDManager m = NDManager.newBaseManager()) {
      for (int[] hw : new int[][] {{8, 8}, {6, 9}, {9, 6}, {16, 16}}) {
        float[] maps = new float[b * c * hw[0] * hw[1]];
        double[] expected = expectedSums(maps, b, c, hw[0], hw[1], r);
        NDArray a = m.create(maps, new Shape(b, c, hw[0], hw[1]));
        assertTrue(ScriptedOps.canRankMaps(a));
        long[] torch = ScriptedOps.matrixRankSums(a);
        for (int j = 0; j < c; j++) {
          assertEquals(expected[j], torch[j], hw[0] + "x" + hw[1] + " channel " + j);
        }
        assertArrayEquals(expected, HRankImportance.rankSums(a));
        int[] java = HRankImportance.rankOf(maps, b * c, hw[0], hw[1]);
        double[] javaSums = new double[c];
        for (int i = 0; i < java.length; i++) {
          javaSums[i % c] += java[i];
        }
        assertArrayEquals(expected, javaSums);
      }
    }
  }

  @Test
  void libtorchPathUsesTorchsTolerance() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertArrayEquals(new long[] {2}, ScriptedOps.matrixRankSums(m.create(diagonalAroundTolerance(), new Shape(1, 1, 4, 4))));
    }
  }

  @Test
  void nonFiniteMapIsNamedEvenOnTheLibtorchPath() {
    float[] maps = new float[2 * 3 * 4];
    maps[2 * 3 + 5] = Float.POSITIVE_INFINITY; // image 0, channel 1 holds an infinity at (1, 2)
    try (NDManager m = NDManager.newBaseManager()) {
      var e = assertThrows(IllegalArgumentException.class, () -> HRankImportance.rankSums(m.create(maps, new Shape(2, 2, 2, 3))));
      assertTrue(e.getMessage().contains("map 1"), e.getMessage());
    }
  }

  @Test
  void fullRankCertificateLeavesDeficientMapsAmongFullOnesToTheEigenvalues() {
    // mostly full-rank maps, so that the chunks take the Cholesky certificate; every seventh map is
    // rank-deficient and must still be ranked exactly
    Random r = new Random(13);
    int b = 9;
    int c = 8;
    for (int[] hw : new int[][] {{8, 8}, {6, 9}, {16, 16}}) {
      int h = hw[0];
      int w = hw[1];
      int full = Math.min(h, w);
      float[] maps = new float[b * c * h * w];
      double[] expected = new double[c];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < c; j++) {
          int k = (i * c + j) % 7 == 3 ? (i + j) % full : full;
          System.arraycopy(rankK(h, w, k, r), 0, maps, (i * c + j) * h * w, h * w);
          expected[j] += k;
        }
      }
      try (NDManager m = NDManager.newBaseManager()) {
        long[] torch = ScriptedOps.matrixRankSums(m.create(maps, new Shape(b, c, h, w)));
        for (int j = 0; j < c; j++) {
          assertEquals(expected[j], torch[j], h + "x" + w + " channel " + j);
        }
      }
    }
  }

  @Test
  void fullRankCertificateDefersToTheEigenvaluesNearTheTolerance() {
    // three well-conditioned channels certify the batch; the fourth has a singular value just above
    // (rank 4) or just below (rank 3) torch's tolerance, inside the certificate's margin
    float eps = Math.ulp(1f);
    for (float factor : new float[] {1.05f, 0.95f}) {
      float[] maps = new float[4 * 16];
      for (int ch = 0; ch < 4; ch++) {
        for (int d = 0; d < 4; d++) {
          maps[ch * 16 + d * 5] = 1f;
        }
      }
      maps[3 * 16 + 15] = 4 * eps * factor;
      try (NDManager m = NDManager.newBaseManager()) {
        long[] torch = ScriptedOps.matrixRankSums(m.create(maps, new Shape(1, 4, 4, 4)));
        assertArrayEquals(new long[] {4, 4, 4, factor > 1 ? 4 : 3}, torch, "factor " + factor);
      }
    }
  }

  /**
   * Maps whose Gram matrix has side 4 or less are ranked without LAPACK (closed form, or inertia at
   * two tolerance bounds, eigenvalues for the undecided): the same ranks as the Java kernel on full,
   * deficient, zero, repeated-row and near-tolerance maps.
   */
  @Test
  void smallMapsRankedWithoutLapackAgreeWithTheJavaKernel() {
    Random r = new Random(21);
    float eps = Math.ulp(1f);
    for (int[] hw : new int[][] {{2, 2}, {3, 3}, {4, 4}, {2, 5}, {7, 4}, {1, 4}}) {
      int h = hw[0];
      int w = hw[1];
      int full = Math.min(h, w);
      int b = 16;
      int c = 6;
      float[] maps = new float[b * c * h * w];
      for (int i = 0; i < b * c; i++) {
        float[] map = switch (i % 6) {
          case 0, 1 -> rankK(h, w, r.nextInt(full + 1), r); // full or deficient, zero included
          case 2 -> { // a row repeated, and rows of very different norms
            float[] x = rankK(h, w, full, r);
            for (int j = 0; j < w; j++) {
              x[j] *= 1e3f;
              x[(h - 1) * w + j] = x[j];
            }
            yield x;
          }
          case 3 -> new float[h * w]; // all zero
          default -> { // diagonal, the last singular value just above or below the tolerance
            float[] x = new float[h * w];
            for (int d = 0; d < full; d++) {
              x[d * w + d] = 1f;
            }
            x[(full - 1) * w + full - 1] = full > 1 ? Math.max(h, w) * eps * (i % 2 == 0 ? 1.05f : 0.95f) : 1f;
            yield x;
          }
        };
        System.arraycopy(map, 0, maps, i * h * w, h * w);
      }
      int[] java = HRankImportance.rankOf(maps, b * c, h, w);
      long[] expected = new long[c];
      for (int i = 0; i < java.length; i++) {
        expected[i % c] += java[i];
      }
      try (NDManager m = NDManager.newBaseManager()) {
        assertArrayEquals(expected, ScriptedOps.matrixRankSums(m.create(maps, new Shape(b, c, h, w))), h + "x" + w);
      }
    }
  }

  /**
   * A 4x4 map whose first row's squared norm lies within 1e-8 of the lower tolerance bound: the
   * elimination's first pivot is tiny and its multipliers huge. Its third singular value is 1.2 times
   * the tolerance (rank 3 in exact arithmetic); the pivots after it inherit the first one's
   * uncertainty, so the map goes to eigvalsh rather than being counted rank 2. Found by a review.
   */
  @Test
  void aTinyFirstPivotHandsTheMapToTheEigenvalues() {
    int[] bits = {0x34b713cb, 0x34ac4151, 0x33a6973a, 0xb345f673, 0x3f37319e, 0x3f2be387, 0x3e284ef7, 0xbdcd7d98,
        0xbd32646b, 0x3d811bfa, 0xbcbd9750, 0x3d59f42f, 0xbea36133, 0x3ede06ef, 0xbe29f9ae, 0x3ec10ddb};
    float[] map = new float[16];
    for (int i = 0; i < 16; i++) {
      map[i] = Float.intBitsToFloat(bits[i]);
    }
    assertEquals(3, HRankImportance.rankOf(map, 1, 4, 4)[0]);
    try (NDManager m = NDManager.newBaseManager()) {
      assertArrayEquals(new long[] {3}, ScriptedOps.matrixRankSums(m.create(map, new Shape(1, 1, 4, 4))));
    }
  }
}
