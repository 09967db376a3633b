package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionMetricsTest {
  private static final GroundTruth G1 = new GroundTruth(0, 0, 0, 10, 10);
  private static final GroundTruth G2 = new GroundTruth(0, 100, 100, 120, 110);

  private static Detection on(GroundTruth g, float conf) {
    return new Detection(g.x1(), g.y1(), g.x2(), g.y2(), conf, g.cls());
  }

  private static Detection box(float x1, float y1, float x2, float y2, float conf, int cls) {
    return new Detection(x1, y1, x2, y2, conf, cls);
  }

  @Test
  void iouThresholdsAreNumpysLinspaceToTheBit() {
    // np.linspace(.5, 0.95, 10).tolist() and np.linspace(0, 1, 101)[57]
    double[] numpy = {0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95};
    assertArrayEquals(numpy, CocoMatching.IOU_THRESHOLDS);
    assertEquals(0.5700000000000001, CocoMatching.RECALL_THRESHOLDS[57]);
  }

  @Test
  void perfectPredictionsScoreOne() {
    GroundTruth other = new GroundTruth(2, 30, 30, 50, 60);
    DetectionMetrics metrics = new DetectionMetrics(3);
    metrics.add(List.of(on(G1, 0.9f), on(other, 0.8f)), List.of(G1, other));
    metrics.add(List.of(on(G2, 0.7f)), List.of(G2));
    DetectionMetrics.Result r = metrics.result();
    assertEquals(1.0, r.map50(), 1e-12);
    assertEquals(1.0, r.map(), 1e-12);
    assertEquals(1.0, r.precision(), 1e-9);
    assertEquals(1.0, r.recall(), 1e-9);
    assertEquals(2, r.images());
    assertEquals(2, r.targets(0));
    assertEquals(0, r.targets(1));
    assertEquals(1, r.targets(2));
  }

  @Test
  void falsePositiveAboveSecondTruePositiveGivesInterpolatedAp() {
    // sorted: TP (G1), FP, TP (G2): recall 0.5, 0.5, 1; precision 1, 0.5, 2/3, made monotone 1, 2/3, 2/3.
    // Recall points 0 .. 0.50 (51 of them) read 1, points 0.51 .. 1 (50) read 2/3.
    DetectionMetrics metrics = new DetectionMetrics(1);
    metrics.add(List.of(on(G1, 0.9f), box(50, 50, 60, 60, 0.8f, 0), on(G2, 0.7f)), List.of(G1, G2));
    DetectionMetrics.Result r = metrics.result();
    double expected = (51 + 50 * (2.0 / 3)) / 101;
    assertEquals(expected, r.ap50(0), 1e-12);
    assertEquals(expected, r.map(), 1e-12);
    float[] curve = r.prCurve50();
    assertEquals(1f, curve[50]);
    assertEquals(2f / 3, curve[51], 1e-6);
    assertEquals(2f / 3, curve[100], 1e-6);
  }

  @Test
  void oneFalsePositiveAboveOneTruePositiveAtKnownIou() {
    // the TP covers 80 of the truth's 100 px: IoU 0.8, a match at 0.50 .. 0.80 (7 thresholds).
    // Sorted FP, TP: precision 0, 1/2 -> monotone 1/2, 1/2; every recall point reads 1/2.
    DetectionMetrics metrics = new DetectionMetrics(1);
    metrics.add(List.of(box(50, 50, 60, 60, 0.9f, 0), box(0, 0, 10, 8, 0.8f, 0)), List.of(G1));
    DetectionMetrics.Result r = metrics.result();
    assertEquals(0.5, r.map50(), 1e-12);
    assertEquals(7 * 0.5 / 10, r.map(), 1e-12);
    // YOLOv5's P and R: best F1 (2/3) where confidence <= 0.8, precision 1/2 and recall 1 there
    assertEquals(0.5, r.precision(), 1e-9);
    assertEquals(1.0, r.recall(), 1e-9);
    assertTrue(r.f1Confidence() <= 0.8);
  }

  @Test
  void duplicateOfAMatchedTruthCountsAsFalsePositive() {
    // the duplicate of G1 sits between the two true positives: same AP as a false positive there
    DetectionMetrics metrics = new DetectionMetrics(1);
    metrics.add(List.of(on(G1, 0.9f), on(G1, 0.8f), on(G2, 0.7f)), List.of(G1, G2));
    assertEquals((51 + 50 * (2.0 / 3)) / 101, metrics.result().ap50(0), 1e-12);
  }

  @Test
  void emptyPredictionsScoreZero() {
    DetectionMetrics metrics = new DetectionMetrics(2);
    metrics.add(List.of(), List.of(G1, G2));
    metrics.add(List.of(), List.of());
    DetectionMetrics.Result r = metrics.result();
    assertEquals(0.0, r.map50());
    assertEquals(0.0, r.map());
    assertEquals(0.0, r.precision());
    assertEquals(0.0, r.recall());
    assertEquals(0f, r.prCurve50()[0]);
    assertEquals(2, r.images());
  }

  @Test
  void classWithoutGroundTruthIsLeftOutOfTheMeans() {
    DetectionMetrics metrics = new DetectionMetrics(2);
    metrics.add(List.of(on(G1, 0.9f), box(0, 0, 10, 10, 0.95f, 1)), List.of(G1));
    DetectionMetrics.Result r = metrics.result();
    assertEquals(1.0, r.map50(), 1e-12);
    assertEquals(1.0, r.map(), 1e-12);
    assertFalse(r.evaluated(1));
    assertTrue(Double.isNaN(r.ap50(1)));
    assertTrue(Float.isNaN(r.prCurve50(1)[0]));
  }

  @Test
  void iouExactlyAtAThresholdMatches() {
    // IoU 0.5 exactly: a match at 0.50 only; IoU 0.75 exactly: at 0.50 .. 0.75 (6 thresholds)
    DetectionMetrics half = new DetectionMetrics(1);
    half.add(List.of(box(0, 0, 10, 5, 0.9f, 0)), List.of(G1));
    assertEquals(1.0, half.result().map50(), 1e-12);
    assertEquals(0.1, half.result().map(), 1e-12);
    DetectionMetrics threeQuarters = new DetectionMetrics(1);
    threeQuarters.add(List.of(box(0, 0, 10, 7.5f, 0.9f, 0)), List.of(G1));
    assertEquals(0.6, threeQuarters.result().map(), 1e-12);
  }

  @Test
  void tiedScoresKeepTheOrderGiven() {
    Detection fp = box(50, 50, 60, 60, 0.5f, 0);
    Detection tp = on(G1, 0.5f);
    DetectionMetrics fpFirst = new DetectionMetrics(1);
    fpFirst.add(List.of(fp, tp), List.of(G1));
    assertEquals(0.5, fpFirst.result().map50(), 1e-12);
    DetectionMetrics tpFirst = new DetectionMetrics(1);
    tpFirst.add(List.of(tp, fp), List.of(G1));
    assertEquals(1.0, tpFirst.result().map50(), 1e-12);
  }

  @Test
  void maxDetsCutsEachImageAndClassToItsBest() {
    DetectionMetrics metrics = new DetectionMetrics(1, 1);
    metrics.add(List.of(on(G2, 0.7f), on(G1, 0.9f)), List.of(G1, G2));
    // only G1's detection counts: recall 1/2, so points 0 .. 0.5 read 1
    assertEquals(51.0 / 101, metrics.result().map50(), 1e-12);
  }

  @Test
  void greedyMatchingTakesTheBestIouAmongUnmatchedTruths() {
    // D1 (best score) overlaps both truths, A more; D2 overlaps only A. D1 takes A, so D2 is a FP at 0.5.
    GroundTruth a = new GroundTruth(0, 0, 0, 10, 10);
    GroundTruth b = new GroundTruth(0, 6, 0, 16, 10);
    DetectionMetrics metrics = new DetectionMetrics(1);
    metrics.add(List.of(box(1, 0, 11, 10, 0.9f, 0), box(0, 0, 10, 10, 0.8f, 0)), List.of(a, b));
    // D1: IoU(A) = 90/110 = 0.82, IoU(B) = 50/150; D2 IoU(A) = 1, IoU(B) = 40/160: recall 1/2 then stays
    assertEquals(51.0 / 101, metrics.result().map50(), 1e-12);
  }

  @Test
  void rejectsClassOutsideTheRange() {
    DetectionMetrics metrics = new DetectionMetrics(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> metrics.add(List.of(box(0, 0, 1, 1, 0.5f, 3)), List.of()));
    assertTrue(e.getMessage().contains("class 3"), e.getMessage());
  }
}
