package dev.topiary.engine.detect;

import java.util.Random;

/**
 * k-means of 2-D points as {@code scipy.cluster.vq.kmeans}, which YOLOv5's AutoAnchor calls: on
 * points divided by their standard deviation per dimension (whitened), several restarts from
 * {@code k} distinct points drawn at random, Lloyd iterations until the mean Euclidean distance to
 * the nearest centre drops by at most {@code thresh}, clusters that lose every member dropped,
 * and the restart with the lowest mean distance kept. Stateless.
 */
final class Kmeans {
  private Kmeans() {}

  /**
   * The {@code k} centres in the points' own units, or null when k-means cannot give {@code k}
   * (fewer points than {@code k}, a dimension without spread, or clusters lost in every restart),
   * where YOLOv5 falls back to a random start.
   */
  static float[][] whitened(float[][] points, int k, int restarts, double thresh, Random rng) {
    int n = points.length;
    if (n < k) {
      return null;
    }
    double[] sd = std(points);
    if (!(sd[0] > 0 && sd[1] > 0)) {
      return null;
    }
    double[][] x = new double[n][2];
    for (int i = 0; i < n; i++) {
      x[i][0] = points[i][0] / sd[0];
      x[i][1] = points[i][1] / sd[1];
    }
    double[][] best = null;
    double bestDist = Double.POSITIVE_INFINITY;
    for (int r = 0; r < restarts; r++) {
      double[][] book = sample(x, k, rng);
      double[] dist = new double[1];
      book = lloyd(x, book, thresh, dist);
      if (book.length == k && dist[0] < bestDist) {
        bestDist = dist[0];
        best = book;
      }
    }
    if (best == null) {
      return null;
    }
    float[][] out = new float[k][];
    for (int c = 0; c < k; c++) {
      out[c] = new float[] {(float) (best[c][0] * sd[0]), (float) (best[c][1] * sd[1])};
    }
    return out;
  }

  /** Runs to convergence; may return fewer centres (empty clusters dropped); dist[0] is the last mean distance. */
  private static double[][] lloyd(double[][] x, double[][] book, double thresh, double[] dist) {
    double prev = Double.POSITIVE_INFINITY;
    double diff = Double.POSITIVE_INFINITY;
    while (diff > thresh) {
      int[] code = new int[x.length];
      double mean = 0;
      for (int i = 0; i < x.length; i++) {
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < book.length; c++) {
          double d = Math.hypot(x[i][0] - book[c][0], x[i][1] - book[c][1]);
          if (d < bestD) {
            bestD = d;
            code[i] = c;
          }
        }
        mean += bestD;
      }
      mean /= x.length;
      book = means(x, code, book.length);
      diff = prev - mean;
      prev = mean;
      dist[0] = mean;
    }
    return book;
  }

  private static double[][] means(double[][] x, int[] code, int k) {
    double[][] sum = new double[k][2];
    int[] count = new int[k];
    for (int i = 0; i < x.length; i++) {
      sum[code[i]][0] += x[i][0];
      sum[code[i]][1] += x[i][1];
      count[code[i]]++;
    }
    int kept = 0;
    for (int c = 0; c < k; c++) {
      kept += count[c] > 0 ? 1 : 0;
    }
    double[][] out = new double[kept][];
    int j = 0;
    for (int c = 0; c < k; c++) {
      if (count[c] > 0) {
        out[j++] = new double[] {sum[c][0] / count[c], sum[c][1] / count[c]};
      }
    }
    return out;
  }

  /** k distinct rows drawn without replacement (partial Fisher-Yates). */
  private static double[][] sample(double[][] x, int k, Random rng) {
    int[] idx = new int[x.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    double[][] out = new double[k][];
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(idx.length - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      out[i] = x[idx[i]].clone();
    }
    return out;
  }

  /** Population standard deviation per dimension (numpy's default). */
  private static double[] std(float[][] p) {
    double[] mean = new double[2];
    for (float[] q : p) {
      mean[0] += q[0];
      mean[1] += q[1];
    }
    mean[0] /= p.length;
    mean[1] /= p.length;
    double[] var = new double[2];
    for (float[] q : p) {
      var[0] += (q[0] - mean[0]) * (q[0] - mean[0]);
      var[1] += (q[1] - mean[1]) * (q[1] - mean[1]);
    }
    return new double[] {Math.sqrt(var[0] / p.length), Math.sqrt(var[1] / p.length)};
  }
}
