package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DetectionAugmentTest {
  /** A white square at [x1, x2) x [y1, y2) on black, 3 channels, with its box. */
  static DetectionImage square(int size, int x1, int y1, int x2, int y2) {
    byte[] px = new byte[3 * size * size];
    for (int c = 0; c < 3; c++) {
      for (int y = y1; y < y2; y++) {
        for (int x = x1; x < x2; x++) {
          px[(c * size + y) * size + x] = (byte) 255;
        }
      }
    }
    return new DetectionImage(px, 3, size, size, List.of(new GroundTruth(2, x1, y1, x2, y2)));
  }

  /** The extent of pixels brighter than 180 in channel 0 (padding is 114), as a corner box, or null. */
  static float[] extent(DetectionImage img) {
    int x1 = Integer.MAX_VALUE;
    int y1 = Integer.MAX_VALUE;
    int x2 = -1;
    int y2 = -1;
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        if (img.pixel(0, y, x) > 180) {
          x1 = Math.min(x1, x);
          y1 = Math.min(y1, y);
          x2 = Math.max(x2, x + 1);
          y2 = Math.max(y2, y + 1);
        }
      }
    }
    return x2 < 0 ? null : new float[] {x1, y1, x2, y2};
  }

  @Test
  void theBoxStaysOnTheMovedSquareForEverySeed() {
    DetectionAugment geometry = new DetectionAugment(0.5f, 0.1f, 0.5f, 0, 0, 0);
    DetectionImage img = square(96, 20, 30, 52, 46);
    int flipped = 0;
    int kept = 0;
    for (int seed = 0; seed < 60; seed++) {
      DetectionImage out = geometry.apply(img, new SplittableRandom(seed));
      float[] e = extent(out);
      if (out.objects().isEmpty()) {
        continue;
      }
      kept++;
      GroundTruth g = out.objects().get(0);
      assertEquals(2, g.cls());
      String where = "seed " + seed + ": box " + g + " vs pixels " + java.util.Arrays.toString(e);
      assertEquals(e[0], g.x1(), 1.5f, where);
      assertEquals(e[1], g.y1(), 1.5f, where);
      assertEquals(e[2], g.x2(), 1.5f, where);
      assertEquals(e[3], g.y2(), 1.5f, where);
      // the draws in the documented order: gain, translate x, translate y, three HSV gains, flip
      SplittableRandom r = new SplittableRandom(seed);
      double gain = 0.5 + r.nextDouble();
      double bx = (0.4 + 0.2 * r.nextDouble()) * 96 - gain * 48;
      double by = (0.4 + 0.2 * r.nextDouble()) * 96 - gain * 48;
      r.nextDouble();
      r.nextDouble();
      r.nextDouble();
      boolean flip = r.nextDouble() < 0.5;
      double x1 = Math.max(0, Math.min(96, gain * 20 + bx));
      double x2 = Math.max(0, Math.min(96, gain * 52 + bx));
      assertEquals(flip ? 96 - x2 : x1, g.x1(), 1e-3, where);
      assertEquals(flip ? 96 - x1 : x2, g.x2(), 1e-3, where);
      assertEquals(Math.max(0, Math.min(96, gain * 46 + by)), g.y2(), 1e-3, where);
      flipped += flip ? 1 : 0;
    }
    assertTrue(kept > 50, "the square stays in view for most draws: " + kept);
    assertTrue(flipped > 10 && flipped < kept - 10, "about half the draws flip: " + flipped + " of " + kept);
  }

  @Test
  void dropsABoxPushedMostlyOutOfThePictureAsBoxCandidates() {
    // scaled box 10 x 10; clipped to 3 x 10 keeps 30% (kept); to 2 x 10 is not over 2 px wide (dropped)
    assertTrue(DetectionAugment.candidate(10, 10, 3, 10));
    assertFalse(DetectionAugment.candidate(10, 10, 2, 10));
    assertFalse(DetectionAugment.candidate(40, 40, 12, 12), "9% of the area");
    assertTrue(DetectionAugment.candidate(40, 40, 13, 13), "10.6% of the area");
    assertFalse(DetectionAugment.candidate(100, 10, 100, 4.9f), "aspect ratio over 20");
  }

  @Test
  void theSameSourceGivesTheSameSampleAndOthersDiffer() {
    DetectionImage img = square(64, 10, 10, 40, 30);
    DetectionAugment a = DetectionAugment.yolov5Defaults();
    DetectionImage one = a.apply(img, new SplittableRandom(5));
    DetectionImage two = a.apply(img, new SplittableRandom(5));
    assertArrayEquals(one.chw(), two.chw());
    assertEquals(one.objects(), two.objects());
    assertFalse(java.util.Arrays.equals(one.chw(), a.apply(img, new SplittableRandom(6)).chw()));
    assertEquals(255, img.pixel(0, 10, 10), "the input is left as it was");
  }

  @Test
  void valueGainAloneBrightensAGreyPicture() {
    // no geometry, no flip: the source's 4th and 6th doubles are the h and v gains; a grey picture takes only v
    DetectionAugment onlyV = new DetectionAugment(0, 0, 0, 0, 0, 0.4f);
    byte[] px = new byte[32 * 32];
    java.util.Arrays.fill(px, (byte) 100);
    DetectionImage out = onlyV.apply(new DetectionImage(px, 1, 32, 32, List.of()), new SplittableRandom(3));
    SplittableRandom r = new SplittableRandom(3);
    for (int k = 0; k < 5; k++) {
      r.nextDouble();
    }
    double gv = 1 + (-1 + 2 * r.nextDouble()) * 0.4;
    assertEquals(Math.round(100 * (float) gv), out.pixel(0, 7, 9));
    assertEquals(out.pixel(0, 0, 0), out.pixel(0, 31, 31));
  }
}
