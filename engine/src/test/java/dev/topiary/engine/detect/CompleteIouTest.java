package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CompleteIouTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray boxes(float... xywh) {
    return manager.create(xywh, new Shape(xywh.length / 4, 4));
  }

  @Test
  void identicalBoxesScoreOne() {
    float[] got = CompleteIou.of(boxes(3, 4, 2, 5, 0, 0, 1, 1), boxes(3, 4, 2, 5, 0, 0, 1, 1)).toFloatArray();
    // inter / (area + eps): 1 - 1e-7 / 10 and 1 - 1e-7, both 1 within float32
    assertArrayEquals(new float[] {1, 1}, got, 2e-7f);
  }

  @Test
  void shiftedBoxLosesTheCentreDistanceOverTheEnclosingDiagonal() {
    // 2x2 boxes centred at x 0 and 1: intersection 1 x 2 = 2, union 4 + 4 - 2 = 6, IoU 1/3;
    // enclosing box 3 x 2, c^2 = 13; centre distance^2 = 1; same aspect, v = 0
    float got = CompleteIou.of(boxes(0, 0, 2, 2), boxes(1, 0, 2, 2)).getFloat();
    assertEquals(1 / 3.0 - 1 / 13.0, got, 1e-6); // 0.256410
  }

  @Test
  void differentAspectPaysTheAspectTerm() {
    // 2x2 inside a 4x2 with the same centre: IoU 4 / 8 = 0.5, no centre distance;
    // v = 4 / pi^2 (atan(4 / 2) - atan(2 / 2))^2 = 0.0419564, alpha = v / (v - 0.5 + 1),
    // CIoU = 0.5 - v alpha = 0.4967519
    double v = 4 / (Math.PI * Math.PI) * Math.pow(Math.atan(2) - Math.atan(1), 2);
    float got = CompleteIou.of(boxes(0, 0, 2, 2), boxes(0, 0, 4, 2)).getFloat();
    assertEquals(0.5 - v * v / (v + 0.5), got, 1e-6);
    assertEquals(0.4967519, got, 1e-6);
  }

  @Test
  void gradientOfTheShiftedBoxFollowsIouAndDistance() {
    // box1 at x1 (b1 from x1 - 1 to x1 + 1), box2 from 0 to 2, both 2 high, at x1 = 0:
    // d inter / dx1 = 2, d union = -2, d IoU = (2 * 6 + 2 * 2) / 36 = 4 / 9;
    // rho^2 = (1 - x1)^2: d = -2; c^2 = (3 - x1)^2 + 4: d = -6; d (rho^2 / c^2) = (-2 * 13 + 6) / 169
    // d CIoU / dx1 = 4 / 9 + 20 / 169 = 0.562788; the widths and y do not move it at v = 0 except
    // through IoU and c^2 (dy: 0 by symmetry)
    NDArray b1 = boxes(0, 0, 2, 2);
    b1.setRequiresGradient(true);
    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
      c.backward(CompleteIou.of(b1, boxes(1, 0, 2, 2)).sum());
    }
    float[] g = b1.getGradient().toFloatArray();
    assertEquals(4 / 9.0 + 20 / 169.0, g[0], 1e-5);
    assertEquals(0, g[1], 1e-6);
  }

  @Test
  void rejectsBoxesThatAreNotPairedRowsOfFour() {
    var e = assertThrows(IllegalArgumentException.class, () -> CompleteIou.of(boxes(0, 0, 1, 1), boxes(0, 0, 1, 1, 0, 0, 1, 1)));
    assertEquals("boxes: CIoU takes two [n, 4] arrays, got (1, 4) and (2, 4)", e.getMessage());
  }
}
