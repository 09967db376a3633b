package dev.topiary.engine.detect;

/**
 * The curve arithmetic of the metrics: COCOeval's {@code accumulate} (interpolated precision at 101
 * recall points) and YOLOv5's {@code ap_per_class} precision and recall against confidence (on a
 * 1000-point grid, used to pick the confidence of best mean F1). Inputs are one class's detections
 * already in COCOeval's order (score descending, stable).
 */
final class PrecisionRecall {
  /** numpy's {@code np.spacing(1)}, which COCOeval adds to the precision's denominator. */
  private static final double SPACING_1 = Math.ulp(1.0);
  /** YOLOv5's {@code eps} in {@code ap_per_class}. */
  private static final double EPS = 1e-16;
  /** YOLOv5's confidence grid, {@code np.linspace(0, 1, 1000)}. */
  static final double[] CONF_GRID = CocoMatching.linspace(0, 1, 1000);

  private PrecisionRecall() {}

  /**
   * COCOeval's precision at each of its 101 recall thresholds for one IoU threshold: cumulative
   * precision made monotone (non-increasing in recall), read at the first detection whose recall
   * reaches the threshold, 0 where recall never does.
   */
  static double[] interpolated(boolean[] tp, int targets) {
    int n = tp.length;
    double[] recall = new double[n];
    double[] precision = new double[n];
    double tps = 0;
    double fps = 0;
    for (int i = 0; i < n; i++) {
      if (tp[i]) {
        tps++;
      } else {
        fps++;
      }
      recall[i] = tps / targets;
      precision[i] = tps / (fps + tps + SPACING_1);
    }
    for (int i = n - 1; i > 0; i--) {
      if (precision[i] > precision[i - 1]) {
        precision[i - 1] = precision[i];
      }
    }
    double[] q = new double[CocoMatching.RECALL_THRESHOLDS.length];
    int at = 0;
    for (int r = 0; r < q.length; r++) {
      while (at < n && recall[at] < CocoMatching.RECALL_THRESHOLDS[r]) {
        at++; // numpy's searchsorted(side='left'): the first index whose recall is >= the threshold
      }
      if (at == n) {
        break;
      }
      q[r] = precision[at];
    }
    return q;
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /**
   * YOLOv5's precision (left value 1) and recall (left value 0) of one class at each confidence of
   * {@link #CONF_GRID}, interpolated linearly in confidence as {@code np.interp} does.
   */
  static double[][] againstConfidence(float[] conf, boolean[] tp, int targets) {
    int n = conf.length;
    double[] negConf = new double[n];
    double[] recall = new double[n];
    double[] precision = new double[n];
    double tps = 0;
    double fps = 0;
    for (int i = 0; i < n; i++) {
      negConf[i] = -conf[i];
      if (tp[i]) {
        tps++;
      } else {
        fps++;
      }
      recall[i] = tps / (targets + EPS);
      precision[i] = tps / (tps + fps);
    }
    double[] p = new double[CONF_GRID.length];
    double[] r = new double[CONF_GRID.length];
    for (int i = 0; i < CONF_GRID.length; i++) {
      p[i] = interp(-CONF_GRID[i], negConf, precision, 1);
      r[i] = interp(-CONF_GRID[i], negConf, recall, 0);
    }
    return new double[][] {p, r};
  }

  /** {@code np.interp(x, xp, fp, left=left)} for non-decreasing {@code xp}, ties taking the last. */
  static double interp(double x, double[] xp, double[] fp, double left) {
    int n = xp.length;
    if (x < xp[0]) {
      return left;
    }
    if (x >= xp[n - 1]) {
      return fp[n - 1];
    }
    int lo = 0;
    int hi = n;
    while (lo < hi) { // the last j with xp[j] <= x
      int mid = (lo + hi) >>> 1;
      if (x >= xp[mid]) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int j = lo - 1;
    if (xp[j] == x) {
      return fp[j];
    }
    double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    return slope * (x - xp[j]) + fp[j];
  }

  /** YOLOv5's {@code smooth(y, 0.1)}: a box filter of 101 taps over {@code y} padded with its end values. */
  static double[] smooth(double[] y, double fraction) {
    int taps = (int) Math.rint(y.length * fraction * 2) / 2 + 1;
    int pad = taps / 2;
    double[] out = new double[y.length];
    double weight = 1.0 / taps;
    for (int i = 0; i < y.length; i++) {
      double s = 0;
      for (int k = 0; k < taps; k++) {
        int at = Math.min(Math.max(i + k - pad, 0), y.length - 1);
        s += y[at] * weight;
      }
      out[i] = s;
    }
    return out;
  }
}
