package dev.topiary.engine.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
  private static final float[][] LOGITS = {
    {5, 4, 3, 2, 1, 0}, // label 0: first
    {0, 1, 2, 3, 4, 5}, // label 0: last, outside the top 5
    {1, 6, 2, 5, 3, 4}, // label 4 (value 3): fourth
  };
  private static final long[] LABELS = {0, 0, 4};

  private static double crossEntropy(float[] row, long label) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : row) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : row) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum) - row[(int) label];
  }

  private static NDArray logits(NDManager m, float[][] rows) {
    float[] flat = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
    }
    return m.create(flat, new Shape(rows.length, rows[0].length));
  }

  @Test
  void countsTop1Top5AndMeanCrossEntropyOverBatches() {
    try (NDManager m = NDManager.newBaseManager(); ClassificationMetrics metrics = new ClassificationMetrics(m)) {
      NDArray all = logits(m, LOGITS);
      metrics.add(all.get("0:2"), m.create(new long[] {0, 0}));
      metrics.add(all.get("2:"), m.create(new float[] {4f})); // float labels are accepted
      Evaluation e = metrics.result();
      double expectedLoss = (crossEntropy(LOGITS[0], 0) + crossEntropy(LOGITS[1], 0) + crossEntropy(LOGITS[2], 4)) / 3;
      assertEquals(3, e.samples());
      assertEquals(expectedLoss, e.loss(), 1e-5);
      assertEquals(1.0 / 3, e.top1(), 1e-12);
      assertEquals(2.0 / 3, e.top5(), 1e-12);
    }
  }

  @Test
  void crossEntropyEqualsTorchMeanReduction() {
    try (NDManager m = NDManager.newBaseManager()) {
      float loss = ClassificationMetrics.crossEntropy(logits(m, LOGITS), m.create(LABELS)).getFloat();
      double expected = (crossEntropy(LOGITS[0], 0) + crossEntropy(LOGITS[1], 0) + crossEntropy(LOGITS[2], 4)) / 3;
      assertEquals(expected, loss, 1e-5);
      assertEquals(3.12286, loss, 1e-4); // (0.45619 + 5.45619 + 3.45619) / 3
    }
  }

  @Test
  void leavesTop5UndefinedWithFewerThanFiveClasses() {
    try (NDManager m = NDManager.newBaseManager(); ClassificationMetrics metrics = new ClassificationMetrics(m)) {
      metrics.add(m.create(new float[] {1, 2, 3, 3, 2, 1}, new Shape(2, 3)), m.create(new int[] {2, 1}));
      Evaluation e = metrics.result();
      assertEquals(0.5, e.top1());
      assertTrue(Double.isNaN(e.top5()));
    }
  }

  @Test
  void hostAndDeviceCountsAgreeOnRandomLogits() {
    try (NDManager m = NDManager.newBaseManager();
        ClassificationMetrics host = new ClassificationMetrics(m);
        ClassificationMetrics device = new ClassificationMetrics(m, true)) {
      for (int b = 0; b < 4; b++) {
        NDArray logits = m.randomNormal(new Shape(33, 10));
        NDArray labels = m.randomInteger(0, 10, new Shape(33), DataType.INT32);
        NDArray loss = ClassificationMetrics.crossEntropy(logits, labels);
        host.add(logits, labels, loss);
        device.add(logits, labels, loss);
      }
      Evaluation h = host.result();
      Evaluation d = device.result();
      assertEquals(132, h.samples());
      assertEquals(d.samples(), h.samples());
      assertEquals(d.loss(), h.loss(), 1e-6);
      assertEquals(d.top1(), h.top1());
      assertEquals(d.top5(), h.top5());
      assertTrue(h.top5() > h.top1(), h.toString()); // the counts are not trivially equal
    }
  }

  @Test
  void tiesGoToTheLowerClassAndNaNCountsAsLargest() {
    try (NDManager m = NDManager.newBaseManager(); ClassificationMetrics metrics = new ClassificationMetrics(m)) {
      float nan = Float.NaN;
      NDArray logits = m.create(new float[] {
          2, 2, 0, 0, 0, 0, // label 0: ties with class 1, wins (lower index)
          2, 2, 0, 0, 0, 0, // label 1: ties with class 0, loses top-1, within top-5
          1, 1, 1, 1, 1, 1, // label 5: five equal classes before it, outside the top 5
          0, nan, 9, 0, 0, 0, // label 2: the NaN is larger
          0, nan, 9, 0, 0, 0}, new Shape(5, 6)); // label 1: the NaN wins
      metrics.add(logits, m.create(new long[] {0, 1, 5, 2, 1}), m.create(0f));
      Evaluation e = metrics.result();
      assertEquals(2.0 / 5, e.top1(), 1e-12); // rows 0 and 4
      assertEquals(4.0 / 5, e.top5(), 1e-12); // all but row 2
    }
  }

  /** The host path checks labels; on a GPU they are checked where a model meets its data (Fitter). */
  @Test
  void aLabelOutsideTheClassesIsNamed() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu()); ClassificationMetrics metrics = new ClassificationMetrics(m)) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> metrics.add(m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)), m.create(new int[] {1, 2}), m.create(0f)));
      assertTrue(e.getMessage().contains("label 2 of row 1"), e.getMessage());
      // nothing of the refused batch was counted
      metrics.add(m.create(new float[] {1, 2}, new Shape(1, 2)), m.create(new int[] {1}), m.create(0.5f));
      Evaluation ev = metrics.result();
      assertEquals(1, ev.samples());
      assertEquals(1.0, ev.top1());
      assertEquals(0.5, ev.loss(), 1e-7);
    }
  }
}
