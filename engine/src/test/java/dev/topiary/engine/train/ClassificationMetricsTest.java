package dev.topiary.engine.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
}
