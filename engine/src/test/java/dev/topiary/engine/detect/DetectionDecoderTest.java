package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionDecoderTest {
  /** Two levels, two anchors each, two classes: 7 values per anchor, 14 channels. */
  private static final Anchors ANCHORS = new Anchors(new int[] {8, 16}, new float[][] {{10, 13, 16, 30}, {30, 61, 62, 45}});
  private static final int CLASSES = 2;
  private static final int PER_ANCHOR = 5 + CLASSES;

  /** Maps of a 32 px input (4x4 and 2x2), every logit -10 (probability 4.5e-5). */
  private static float[][] quietMaps(int batch) {
    float[] level0 = new float[batch * 2 * PER_ANCHOR * 4 * 4];
    float[] level1 = new float[batch * 2 * PER_ANCHOR * 2 * 2];
    Arrays.fill(level0, -10f);
    Arrays.fill(level1, -10f);
    return new float[][] {level0, level1};
  }

  /** Sets the logits of one anchor at one cell: channel a * (5 + nc) + k at (row, col). */
  private static void setCell(float[] map, int size, int image, int anchor, int row, int col, float... logits) {
    for (int k = 0; k < logits.length; k++) {
      int channel = anchor * PER_ANCHOR + k;
      map[((image * 2 * PER_ANCHOR + channel) * size + row) * size + col] = logits[k];
    }
  }

  private static NDList upload(NDManager m, float[][] maps, int batch) {
    return new NDList(m.create(maps[0], new Shape(batch, 2 * PER_ANCHOR, 4, 4)), m.create(maps[1], new Shape(batch, 2 * PER_ANCHOR, 2, 2)));
  }

  @Test
  void decodesOneHotCellToTheBoxYolov5Computes() {
    float[][] maps = quietMaps(2);
    // level 0 (stride 8), anchor 1 (16 x 30), row 2, column 3: s = 0.5, 0.5, 0.5, 0.75; obj 2; classes -1, 1
    setCell(maps[0], 4, 0, 1, 2, 3, 0f, 0f, 0f, (float) Math.log(3), 2f, -1f, 1f);
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDList heads = upload(m, maps, 2);
      List<List<Detection>> out = DetectionDecoder.detect(heads, ANCHORS, CLASSES, NmsSettings.PREDICT);
      assertEquals(2, out.size());
      assertEquals(1, out.get(0).size());
      assertTrue(out.get(1).isEmpty());
      Detection d = out.get(0).get(0);
      // x = (2 * 0.5 - 0.5 + 3) * 8 = 28, y = (1 - 0.5 + 2) * 8 = 20, w = (2 * 0.5)^2 * 16 = 16, h = 1.5^2 * 30 = 67.5
      assertEquals(20f, d.x1(), 1e-4);
      assertEquals(36f, d.x2(), 1e-4);
      assertEquals(20f - 33.75f, d.y1(), 1e-4);
      assertEquals(20f + 33.75f, d.y2(), 1e-4);
      assertEquals(1, d.cls());
      assertEquals(sigmoid(2) * sigmoid(1), d.conf(), 1e-6);
      assertFalse(heads.get(0).isReleased(), "the caller's head maps stay open");
    }
  }

  @Test
  void decodeKeepsRowsAboveThresholdInLevelAnchorRowColumnOrder() {
    float[][] maps = quietMaps(1);
    setCell(maps[1], 2, 0, 0, 1, 0, 0f, 0f, 0f, 0f, 0f, 0f, 0f); // level 1, anchor 0, row 1, col 0
    setCell(maps[0], 4, 0, 1, 0, 0, 0f, 0f, 0f, 0f, 1f, 0f, 0f); // level 0, anchor 1, row 0, col 0
    setCell(maps[0], 4, 0, 0, 3, 1, 0f, 0f, 0f, 0f, 3f, 0f, 0f); // level 0, anchor 0, row 3, col 1
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      float[] rows = DetectionDecoder.decode(upload(m, maps, 1), ANCHORS, CLASSES, 0.25f).get(0);
      assertEquals(3 * PER_ANCHOR, rows.length);
      // level 0 anchor 0 (row 3, col 1) first: x = (1 - 0.5 + 1) * 8 = 12, y = (0.5 + 3) * 8 = 28, w = 10, h = 13
      assertArrayEquals(new float[] {12f, 28f, 10f, 13f, sigmoid(3), 0.5f, 0.5f}, Arrays.copyOfRange(rows, 0, 7), 1e-5f);
      // then level 0 anchor 1 (row 0, col 0): x = y = 0.5 * 8 = 4, w = 16, h = 30
      assertArrayEquals(new float[] {4f, 4f, 16f, 30f, sigmoid(1), 0.5f, 0.5f}, Arrays.copyOfRange(rows, 7, 14), 1e-5f);
      // then level 1 anchor 0 (row 1, col 0), stride 16: x = 0.5 * 16 = 8, y = 1.5 * 16 = 24, w = 30, h = 61
      assertArrayEquals(new float[] {8f, 24f, 30f, 61f, 0.5f, 0.5f, 0.5f}, Arrays.copyOfRange(rows, 14, 21), 1e-5f);
    }
  }

  @Test
  void rejectsHeadMapsWithTheWrongChannelCount() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray wrong = m.zeros(new Shape(1, 2 * 8, 4, 4));
      NDList heads = new NDList(wrong, m.zeros(new Shape(1, 2 * 8, 2, 2)));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> DetectionDecoder.decode(heads, ANCHORS, CLASSES, 0.25f));
      assertTrue(e.getMessage().contains("level 0"), e.getMessage());
    }
  }

  @Test
  void rejectsOneMapTooFew() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDList heads = new NDList(m.zeros(new Shape(1, 2 * PER_ANCHOR, 4, 4)));
      assertThrows(IllegalArgumentException.class, () -> DetectionDecoder.decode(heads, ANCHORS, CLASSES, 0.25f));
    }
  }

  private static float sigmoid(double x) {
    return (float) (1 / (1 + Math.exp(-x)));
  }
}
