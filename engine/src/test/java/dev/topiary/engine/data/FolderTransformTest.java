package dev.topiary.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FolderTransformTest {
  private static final float[] ZERO = {0f};
  private static final float[] ONE = {1f};

  /** A 1-channel h×w image whose pixel (y, x) is 10y + x. */
  private static PixelImage ramp(int h, int w) {
    byte[] p = new byte[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        p[y * w + x] = (byte) (10 * y + x);
      }
    }
    return new PixelImage(p, 1, h, w);
  }

  private static float[] run(FolderTransform t, PixelImage img, long seed) {
    float[] out = new float[t.outputShape().size() + 1];
    out[out.length - 1] = 42f;
    t.apply(img, new SplittableRandom(seed), out, 0);
    assertEquals(42f, out[out.length - 1], "writes nothing past the sample");
    return out;
  }

  @Test
  void centreCropOfAWideImageKeepsTheMiddleColumnsExactly() {
    FolderTransform t = new FolderTransform(new ImageShape(1, 4, 4), ZERO, ONE, false, false);
    float[] out = run(t, ramp(4, 6), 0);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        assertEquals((10 * y + x + 1) / 255f, out[y * 4 + x], 1e-6, "(" + y + "," + x + ")");
      }
    }
  }

  @Test
  void halvingAveragesPixelPairsAndNormalises() {
    float[] mean = {0.2f};
    float[] std = {0.5f};
    FolderTransform t = new FolderTransform(new ImageShape(1, 2, 2), mean, std, false, false);
    float[] out = run(t, ramp(4, 4), 0);
    // output (0, 1) samples source (0.5, 2.5): the mean of rows 0-1 and columns 2-3
    float v = (10 * 0.5f + 2.5f) / 255f;
    assertEquals((v - 0.2f) / 0.5f, out[1], 1e-5);
  }

  @Test
  void aFlippedBoxMirrorsEachRow() {
    FolderTransform t = new FolderTransform(new ImageShape(1, 3, 5), ZERO, ONE, false, false);
    float[] out = new float[15];
    t.resample(ramp(3, 5), new CropBox(0, 0, 3, 5, true), out, 0);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 5; x++) {
        assertEquals((10 * y + 4 - x) / 255f, out[y * 5 + x], 1e-6);
      }
    }
  }

  @Test
  void padModeCentresASmallImageOnBlack() {
    FolderTransform t = new FolderTransform(new ImageShape(1, 4, 4), new float[] {0.5f}, new float[] {0.25f}, false, true);
    float[] out = run(t, ramp(2, 2), 0);
    assertEquals(-2f, out[0], 1e-6, "black border: (0 - 0.5) / 0.25");
    assertEquals((11 / 255f - 0.5f) / 0.25f, out[2 * 4 + 2], 1e-5, "source (1, 1) lands at (2, 2)");
  }

  @Test
  void randomResizedCropStaysWithinTheImageAndTorchvisionsRanges() {
    SplittableRandom random = new SplittableRandom(7);
    int flips = 0;
    for (int i = 0; i < 2000; i++) {
      int h = 20 + random.nextInt(200);
      int w = 20 + random.nextInt(200);
      CropBox b = CropBox.randomResized(h, w, random, true);
      assertTrue(b.top() >= 0 && b.left() >= 0 && b.top() + b.height() <= h && b.left() + b.width() <= w, b + " in " + h + "x" + w);
      double scale = b.height() * b.width() / (h * w);
      double ratio = b.width() / b.height();
      assertTrue(scale > 0.06 && scale <= 1, "scale " + scale);
      assertTrue(ratio > 0.7 && ratio < 1.4, "ratio " + ratio);
      flips += b.flip() ? 1 : 0;
    }
    assertTrue(flips > 900 && flips < 1100, "about half flipped: " + flips);
  }

  @Test
  void anImpossibleRatioFallsBackToTheClampedCentreCrop() {
    CropBox b = CropBox.randomResized(10, 1000, new SplittableRandom(1), false);
    assertEquals(new CropBox(0, (1000 - 13) / 2, 10, 13, false), b);
  }

  @Test
  void rejectsNormalisationOfTheWrongLength() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new FolderTransform(new ImageShape(3, 4, 4), ZERO, ONE, false, false));
    assertTrue(e.getMessage().contains("mean, std: expected 3"), e.getMessage());
  }
}
