package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class BoxOpsTest {
  @Test
  void iouOfOverlappingDisjointAndTouchingBoxes() {
    assertEquals(90f / 110, BoxOps.iou(0, 0, 10, 10, 1, 0, 11, 10), 1e-7);
    assertEquals(0f, BoxOps.iou(0, 0, 10, 10, 20, 20, 30, 30));
    assertEquals(0f, BoxOps.iou(0, 0, 10, 10, 10, 0, 20, 10), "touching edges share no area");
    assertEquals(0f, BoxOps.iou(5, 5, 5, 5, 5, 5, 5, 5), "two empty boxes");
    assertEquals(25f / 100, BoxOps.iou(0, 0, 10, 10, 2.5f, 2.5f, 7.5f, 7.5f), "a box inside another: its area over the other's");
  }

  @Test
  void iouMatrixPairsEveryBoxOfAWithEveryBoxOfB() {
    float[] a = {0, 0, 10, 10, 100, 100, 110, 110};
    float[] b = {0, 0, 10, 5, 105, 100, 115, 110, 0, 0, 10, 10};
    float[][] m = BoxOps.iouMatrix(a, b);
    assertArrayEquals(new float[] {0.5f, 0f, 1f}, m[0], 1e-7f);
    assertArrayEquals(new float[] {0f, 50f / 150, 0f}, m[1], 1e-7f);
    assertThrows(IllegalArgumentException.class, () -> BoxOps.iouMatrix(new float[5], b));
  }

  @Test
  void cocoIouTakesTopLeftCornerWidthAndHeight() {
    assertEquals(0.5, BoxOps.iouCoco(0, 0, 10, 5, 0, 0, 10, 10));
    assertEquals(90.0 / 110, BoxOps.iouCoco(1, 0, 10, 10, 0, 0, 10, 10), 1e-15);
    assertEquals(0.0, BoxOps.iouCoco(10, 0, 10, 10, 0, 0, 10, 10));
  }

  @Test
  void centreBoxesBecomeCorners() {
    assertArrayEquals(new float[] {0, 3, 10, 7, 28, 20 - 33.75f, 36, 20 + 33.75f},
        BoxOps.xywhToXyxy(new float[] {5, 5, 10, 4, 32, 20, 8, 67.5f}));
  }
}
