package dev.topiary.engine.detect;

/**
 * Where YOLOv5 reads precision and recall: the point of its confidence grid at which the mean F1 over
 * the classes with ground truth, smoothed by a box filter of a tenth of the grid, is highest (the
 * first such point). A class with ground truth but no detections counts with precision and recall 0.
 */
final class F1Point {
  private static final double EPS = 1e-16;

  private final double confidence;
  private final double[] precision;
  private final double[] recall;
  private final double meanPrecision;
  private final double meanRecall;

  private F1Point(double confidence, double[] precision, double[] recall, double meanPrecision, double meanRecall) {
    this.confidence = confidence;
    this.precision = precision;
    this.recall = recall;
    this.meanPrecision = meanPrecision;
    this.meanRecall = meanRecall;
  }

  /**
   * @param curves per class, {@code {precision, recall}} on {@link PrecisionRecall#CONF_GRID}, or null
   *     when the class has no detections
   * @param targets ground-truth boxes per class; classes with none are left out
   */
  static F1Point of(double[][][] curves, int[] targets) {
    int grid = PrecisionRecall.CONF_GRID.length;
    double[] meanF1 = new double[grid];
    int evaluated = 0;
    for (int c = 0; c < targets.length; c++) {
      if (targets[c] == 0) {
        continue;
      }
      evaluated++;
      for (int i = 0; i < grid && curves[c] != null; i++) {
        double p = curves[c][0][i];
        double r = curves[c][1][i];
        meanF1[i] += 2 * p * r / (p + r + EPS);
      }
    }
    int n = targets.length;
    double[] precision = new double[n];
    double[] recall = new double[n];
    if (evaluated == 0) {
      return new F1Point(0, precision, recall, 0, 0);
    }
    for (int i = 0; i < grid; i++) {
      meanF1[i] /= evaluated;
    }
    double[] smoothed = PrecisionRecall.smooth(meanF1, 0.1);
    int best = 0;
    for (int i = 1; i < grid; i++) {
      if (smoothed[i] > smoothed[best]) {
        best = i;
      }
    }
    double sumP = 0;
    double sumR = 0;
    for (int c = 0; c < n; c++) {
      if (targets[c] > 0 && curves[c] != null) {
        precision[c] = curves[c][0][best];
        recall[c] = curves[c][1][best];
        sumP += precision[c];
        sumR += recall[c];
      }
    }
    return new F1Point(PrecisionRecall.CONF_GRID[best], precision, recall, sumP / evaluated, sumR / evaluated);
  }

  double confidence() {
    return confidence;
  }

  double precision(int cls) {
    return precision[cls];
  }

  double recall(int cls) {
    return recall[cls];
  }

  double meanPrecision() {
    return meanPrecision;
  }

  double meanRecall() {
    return meanRecall;
  }
}
