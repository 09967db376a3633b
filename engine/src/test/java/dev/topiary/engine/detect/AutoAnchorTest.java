package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AutoAnchorTest {
  private static final Anchors DEFAULT = Anchors.yolov5Default();

  private static float[][] repeat(int n, float w, float h) {
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = new float[] {w, h};
    }
    return out;
  }

  /** Long thin boxes, lying and standing, that no default anchor fits within a ratio of 4. */
  private static float[][] slivers(int n, long seed) {
    Random r = new Random(seed);
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      float a = 300 + 150 * r.nextFloat();
      float b = 8 + 6 * r.nextFloat();
      out[i] = i % 2 == 0 ? new float[] {a, b} : new float[] {b, a};
    }
    return out;
  }

  @Test
  void boxesOfTheSmallestAnchorAreAllRecalledByThreeAnchors() {
    // 10 x 13 against the nine defaults: (10, 13) ratio 1, (16, 30) min(10/16, 13/30) = 0.433,
    // (33, 23) 0.303 pass 1/4; (30, 61) 0.213 and the larger ones do not
    AutoAnchor.Result r = AutoAnchor.check(repeat(50, 10, 13), DEFAULT, 640, 0);
    assertEquals(1f, r.bpr());
    assertEquals(3f, r.anchorsAboveThreshold());
    assertFalse(r.changed());
    assertSame(DEFAULT, r.chosen());
    assertEquals("AutoAnchor: 3.00 anchors/target, 1.000 Best Possible Recall (BPR). Current anchors are a good fit"
        + " to dataset", r.message());
  }

  @Test
  void halfTheBoxesOutOfReachGiveHalfTheRecall() {
    // 400 x 20: the best default is (373, 326) with 20 / 326 = 0.061, below 1/4
    AutoAnchor.Fit f = AutoAnchor.fit(new float[][] {{10, 13}, {400, 20}}, DEFAULT);
    assertEquals(0.5f, f.bpr());
    assertEquals(1.5f, f.anchorsAboveThreshold()); // (3 + 0) / 2
  }

  @Test
  void fitsNewAnchorsWhenTheDefaultsMissTheBoxes() {
    float[][] boxes = slivers(400, 1);
    AutoAnchor.Result r = AutoAnchor.check(boxes, DEFAULT, 640, 7);
    assertTrue(r.bpr() < 0.5f, "defaults recall " + r.bpr());
    assertTrue(r.changed(), r.message());
    assertEquals(1f, AutoAnchor.fit(boxes, r.chosen()).bpr(), r.message());
    assertTrue(r.message().startsWith("AutoAnchor: "), r.message());
    assertTrue(r.message().endsWith("Anchors are a poor fit to dataset, attempting to improve... new BPR 1.000: using"
        + " the new anchors"), r.message());
    // same strides, nine anchors, smallest area first
    double previous = 0;
    for (int l = 0; l < 3; l++) {
      assertEquals(DEFAULT.stride(l), r.chosen().stride(l));
      for (int a = 0; a < 3; a++) {
        double area = (double) r.chosen().width(l, a) * r.chosen().height(l, a);
        assertTrue(area >= previous, "sorted by area at level " + l + " anchor " + a);
        previous = area;
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameAnchors() {
    float[][] boxes = slivers(200, 2);
    Anchors a = AutoAnchor.check(boxes, DEFAULT, 640, 42).chosen();
    Anchors b = AutoAnchor.check(boxes, DEFAULT, 640, 42).chosen();
    assertEquals(a, b);
    assertTrue(AutoAnchor.check(boxes, DEFAULT, 640, 43).changed());
  }

  @Test
  void keepsTheDefaultsWhenTheFittedAnchorsRecallNoMore() {
    // identical boxes leave k-means no spread to whiten, so YOLOv5 starts from random sizes; none
    // is within a ratio of 4 of 500 x 12, every mutation scores 0 too, and nothing is kept
    AutoAnchor.Result r = AutoAnchor.check(repeat(30, 500, 12), DEFAULT, 640, 3);
    assertEquals(0f, r.bpr());
    assertFalse(r.changed());
    assertSame(DEFAULT, r.chosen());
    assertTrue(r.message().endsWith("new BPR 0.000: original anchors better than new anchors, proceeding with"
        + " original anchors"), r.message());
  }

  @Test
  void rejectsNoBoxesAndNegativeSizes() {
    var none = assertThrows(IllegalArgumentException.class, () -> AutoAnchor.check(new float[0][], DEFAULT, 640, 0));
    assertEquals("boxWh: no boxes to fit anchors to", none.getMessage());
    var neg = assertThrows(IllegalArgumentException.class, () -> AutoAnchor.fit(new float[][] {{3, -1}}, DEFAULT));
    assertEquals("boxWh: box 0 must be {w, h} finite and at least 0, got [3.0, -1.0]", neg.getMessage());
  }
}
