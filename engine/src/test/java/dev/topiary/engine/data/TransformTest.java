package dev.topiary.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransformTest {
  private static final SplittableRandom ANY = new SplittableRandom(1);

  /** A fresh image of the given shape holding {@code values}. */
  private static FloatImage image(int c, int h, int w, float... values) {
    FloatImage img = new FloatImage();
    float[] data = img.reset(new ImageShape(c, h, w));
    System.arraycopy(values, 0, data, 0, values.length);
    return img;
  }

  private static float[] content(FloatImage img) {
    return Arrays.copyOf(img.data(), img.size());
  }

  /** Values 0, 1, 2, ... in CHW order. */
  private static FloatImage ramp(int c, int h, int w) {
    float[] v = new float[c * h * w];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    return image(c, h, w, v);
  }

  @Test
  void bilinearUpscaleMatchesHalfPixelCentres() {
    FloatImage img = image(1, 2, 2, 0, 1, 2, 3);
    new Resize(4, 4).apply(img, ANY);
    assertEquals(new ImageShape(1, 4, 4), img.shape());
    // the values torch.nn.functional.interpolate(mode="bilinear", align_corners=False) gives
    float[] expected = {
      0f, 0.25f, 0.75f, 1f,
      0.5f, 0.75f, 1.25f, 1.5f,
      1.5f, 1.75f, 2.25f, 2.5f,
      2f, 2.25f, 2.75f, 3f
    };
    assertArrayEquals(expected, content(img), 1e-6f);
  }

  @Test
  void bilinearHalvingAveragesTwoByTwoBlocks() {
    FloatImage img = ramp(2, 4, 4);
    new Resize(2, 2).apply(img, ANY);
    // block means of 0..15 and 16..31
    assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f, 18.5f, 20.5f, 26.5f, 28.5f}, content(img), 1e-6f);
  }

  @Test
  void nearestResizeRepeatsAndPicksPixels() {
    FloatImage up = image(1, 2, 2, 1, 2, 3, 4);
    new Resize(4, 4, Resize.Interpolation.NEAREST).apply(up, ANY);
    assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, content(up));
    FloatImage down = ramp(1, 3, 3);
    new Resize(2, 2, Resize.Interpolation.NEAREST).apply(down, ANY);
    assertArrayEquals(new float[] {0, 1, 3, 4}, content(down));
  }

  @Test
  void padToSizeCentresTheImageInZeros() {
    FloatImage img = ramp(1, 28, 28);
    Pad.toSize(32, 32).apply(img, ANY);
    assertEquals(new ImageShape(1, 32, 32), img.shape());
    float[] out = content(img);
    assertEquals(0f, out[0]);
    assertEquals(0f, out[32 * 2 + 1]);
    assertEquals(0f, out[32 * 2 + 2], "input (0,0) lands at (2,2)");
    assertEquals(1f, out[32 * 2 + 3]);
    assertEquals(28 * 28 - 1, out[32 * 29 + 29], "input (27,27) lands at (29,29)");
    assertEquals(0f, out[32 * 30 + 30]);
    float sum = 0;
    for (float v : out) {
      sum += v;
    }
    assertEquals((28f * 28 - 1) * 28 * 28 / 2, sum, "nothing but the input and zeros");
  }

  @Test
  void padByFixedAmountsAndRejectsShrinking() {
    FloatImage img = image(1, 1, 1, 5);
    Pad.of(1, 0, 0, 2).apply(img, ANY);
    assertEquals(new ImageShape(1, 2, 3), img.shape());
    assertArrayEquals(new float[] {0, 0, 0, 5, 0, 0}, content(img));
    assertThrows(IllegalArgumentException.class, () -> Pad.toSize(16, 16).outputShape(new ImageShape(1, 28, 28)));
  }

  @Test
  void replicateChannelsCopiesTheSinglePlane() {
    FloatImage img = image(1, 1, 2, 0.25f, 0.75f);
    new ReplicateChannels(3).apply(img, ANY);
    assertEquals(new ImageShape(3, 1, 2), img.shape());
    assertArrayEquals(new float[] {0.25f, 0.75f, 0.25f, 0.75f, 0.25f, 0.75f}, content(img));
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> new ReplicateChannels(3).outputShape(new ImageShape(2, 4, 4)));
    assertTrue(e.getMessage().startsWith("channels"), e.getMessage());
  }

  @Test
  void grayscale28FeedsA32x32RgbModelByPaddingOrResizing() {
    ImageShape in = new ImageShape(1, 28, 28);
    ImageShape rgb32 = new ImageShape(3, 32, 32);
    assertEquals(rgb32, TransformPipeline.of(Pad.toSize(32, 32), new ReplicateChannels(3)).outputShape(in));
    assertEquals(rgb32, TransformPipeline.of(new Resize(32, 32), new ReplicateChannels(3)).outputShape(in));
    FloatImage img = ramp(1, 28, 28);
    TransformPipeline.of(new Resize(32, 32), new ReplicateChannels(3)).apply(img, ANY);
    assertEquals(rgb32, img.shape());
  }

  @Test
  void normalizeSubtractsMeanAndDividesByStdPerChannel() {
    FloatImage img = image(2, 1, 2, 0.5f, 1f, 0.2f, 0.4f);
    new Normalize(new float[] {0.5f, 0.2f}, new float[] {0.25f, 0.1f}).apply(img, ANY);
    assertArrayEquals(new float[] {0f, 2f, 0f, 2f}, content(img), 1e-6f);
  }

  @Test
  void normalizeRejectsChannelCountMismatchAndBadStd() {
    Normalize rgb = new Normalize(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.2f, 0.2f, 0.2f});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> rgb.outputShape(new ImageShape(1, 28, 28)));
    assertTrue(e.getMessage().contains("mean"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0.5f}, new float[] {0f}));
    assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0.5f, 0.1f}, new float[] {1f}));
  }

  @Test
  void horizontalFlipIsAMirror() {
    FloatImage img = ramp(2, 2, 3);
    new RandomHorizontalFlip(1.0).apply(img, ANY);
    assertArrayEquals(new float[] {2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9}, content(img));
    new RandomHorizontalFlip(0.0).apply(img, ANY);
    assertArrayEquals(new float[] {2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9}, content(img), "p=0 never flips");
  }

  @Test
  void randomCropIsAShiftedWindowWithZerosFromThePadding() {
    for (long seed = 0; seed < 20; seed++) {
      FloatImage img = ramp(1, 8, 8);
      for (int i = 0; i < 64; i++) {
        img.data()[i] += 1; // 1..64, so a zero can only come from the padding
      }
      new RandomCrop(8, 8, 2).apply(img, new SplittableRandom(seed));
      float[] out = content(img);
      // locate the shift from any non-padding value and check every pixel against it
      int k = 0;
      while (out[k] == 0) {
        k++;
      }
      int src = (int) out[k] - 1;
      int dy = src / 8 - k / 8;
      int dx = src % 8 - k % 8;
      assertTrue(Math.abs(dy) <= 2 && Math.abs(dx) <= 2, "shift " + dy + "," + dx);
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          int sy = y + dy;
          int sx = x + dx;
          float expected = sy >= 0 && sy < 8 && sx >= 0 && sx < 8 ? sy * 8 + sx + 1 : 0;
          assertEquals(expected, out[y * 8 + x], "seed " + seed + " at " + y + "," + x);
        }
      }
    }
  }

  @Test
  void augmentationIsReproducibleForASeedAndVariesAcrossSeeds() {
    TransformPipeline augment =
        TransformPipeline.of(new RandomCrop(32, 32, 4), new RandomHorizontalFlip());
    float[] first = augmented(augment, 42);
    assertArrayEquals(first, augmented(augment, 42));
    int distinct = 0;
    for (long seed = 0; seed < 10; seed++) {
      if (!Arrays.equals(first, augmented(augment, seed))) {
        distinct++;
      }
    }
    assertTrue(distinct >= 8, "only " + distinct + " of 10 other seeds changed the result");
  }

  private static float[] augmented(SampleTransform t, long seed) {
    FloatImage img = ramp(3, 32, 32);
    t.apply(img, new SplittableRandom(seed));
    return content(img);
  }

  @Test
  void reusedImageBuffersGiveTheSameResultAsFreshOnes() {
    TransformPipeline p = TransformPipeline.of(Pad.uniform(2), new Resize(5, 7), new ReplicateChannels(3));
    FloatImage reused = new FloatImage();
    float[] expected = null;
    for (int round = 0; round < 3; round++) {
      float[] data = reused.reset(new ImageShape(1, 4, 4));
      for (int i = 0; i < 16; i++) {
        data[i] = i;
      }
      p.apply(reused, ANY);
      FloatImage fresh = ramp(1, 4, 4);
      p.apply(fresh, ANY);
      assertArrayEquals(content(fresh), content(reused));
      if (expected != null) {
        assertArrayEquals(expected, content(reused));
      }
      expected = content(reused);
    }
    assertFalse(Arrays.equals(new float[expected.length], expected));
  }
}
