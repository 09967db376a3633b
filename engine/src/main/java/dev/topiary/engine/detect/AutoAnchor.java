package dev.topiary.engine.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * YOLOv5's AutoAnchor ({@code utils/autoanchor.py} {@code check_anchors} and {@code
 * kmean_anchors}): how well a head's anchors fit a dataset's boxes, and better anchors when they
 * fit badly.
 *
 * <p>The fit of a box to an anchor is {@code min(r, 1/r)} over the width and height ratios; an
 * anchor "can learn" a box when that exceeds {@code 1 / 4} (the loss's anchor threshold 4.0). The
 * best possible recall (BPR) is the share of boxes some anchor can learn; "anchors above
 * threshold" is the mean count of anchors per box that can. When the BPR is not above 0.98, the
 * boxes of at least 2 pixels are clustered by k-means into as many anchors as the head has (on
 * sizes divided by their standard deviation, 30 seeded restarts, as {@code scipy.cluster.vq.kmeans}),
 * then evolved for {@value #GENERATIONS} generations (YOLOv5's count: mutate each size with
 * probability 0.9 by a factor {@code 1 + U * N(0, 1) * 0.1} clipped to [0.3, 3], at least 2 px,
 * keeping a mutation when it raises the mean fit of the learnable boxes). One generation costs one
 * pass over the boxes, so the full count takes well under a second for tens of thousands of boxes:
 * no reason to cut it. The new anchors, sorted by area and dealt to the levels smallest first, are
 * kept only when their BPR is higher.
 *
 * <p>One difference: YOLOv5 jitters each image's box sizes by a random factor in [0.9, 1.1] before
 * measuring; here the caller's sizes are measured as given, so the check is deterministic. Every
 * random choice comes from the seed: the same boxes and seed give the same anchors. Stateless.
 */
public final class AutoAnchor {
  /** YOLOv5's {@code anchor_t}. */
  public static final float THRESHOLD = 4.0f;
  /** Above this BPR the anchors are kept without fitting. */
  public static final float GOOD_BPR = 0.98f;
  /** Genetic generations, as YOLOv5. */
  public static final int GENERATIONS = 1000;
  private static final int KMEANS_RESTARTS = 30;
  private static final double KMEANS_THRESH = 1e-5;
  private static final float MIN_SIZE = 2.0f;

  private AutoAnchor() {}

  /** BPR and mean anchors above threshold of a set of anchors on a set of boxes. */
  public record Fit(float bpr, float anchorsAboveThreshold) {}

  /**
   * The outcome of a check.
   *
   * @param bpr the current anchors' best possible recall
   * @param anchorsAboveThreshold the current anchors' mean count per box above threshold
   * @param chosen the anchors to train with: the current ones, or fitted ones when {@code changed}
   * @param changed whether fitted anchors replaced the current ones
   * @param message one line in YOLOv5's words
   */
  public record Result(float bpr, float anchorsAboveThreshold, Anchors chosen, boolean changed, String message) {}

  /** How the anchors fit boxes of the given pixel sizes ({@code boxWh[i] = {w, h}}). */
  public static Fit fit(float[][] boxWh, Anchors anchors) {
    return fit(checkBoxes(boxWh), pixelSizes(anchors));
  }

  /**
   * YOLOv5's {@code check_anchors}.
   *
   * @param boxWh each box's {width, height} in input pixels, after letterboxing to {@code imageSize}
   * @param current the head's anchors
   * @param imageSize the square input side, for the random start when k-means cannot run
   * @param seed fixes every random choice
   * @throws IllegalArgumentException when there are no boxes, a size is negative or not finite, or
   *     the image size is not positive
   */
  public static Result check(float[][] boxWh, Anchors current, int imageSize, long seed) {
    if (imageSize < 1) {
      throw new IllegalArgumentException("imageSize: must be at least 1, got " + imageSize);
    }
    float[][] wh = checkBoxes(boxWh);
    Fit now = fit(wh, pixelSizes(current));
    String head = String.format(Locale.ROOT, "AutoAnchor: %.2f anchors/target, %.3f Best Possible Recall (BPR). ",
        now.anchorsAboveThreshold(), now.bpr());
    if (now.bpr() > GOOD_BPR) {
      return new Result(now.bpr(), now.anchorsAboveThreshold(), current, false,
          head + "Current anchors are a good fit to dataset");
    }
    float[][] fitted = kmeanAnchors(wh, current.levels() * current.perLevel(), imageSize, new Random(seed));
    float newBpr = fit(wh, fitted).bpr();
    String tail = String.format(Locale.ROOT, "Anchors are a poor fit to dataset, attempting to improve... new BPR %.3f: ", newBpr);
    if (newBpr > now.bpr()) {
      return new Result(now.bpr(), now.anchorsAboveThreshold(), toAnchors(fitted, current), true,
          head + tail + "using the new anchors");
    }
    return new Result(now.bpr(), now.anchorsAboveThreshold(), current, false,
        head + tail + "original anchors better than new anchors, proceeding with original anchors");
  }

  /** k-means then genetic evolution, sorted by area; {@code n} rows of {w, h}. */
  static float[][] kmeanAnchors(float[][] wh0, int n, int imageSize, Random rng) {
    List<float[]> big = new ArrayList<>();
    for (float[] b : wh0) {
      if (b[0] >= MIN_SIZE || b[1] >= MIN_SIZE) {
        big.add(b);
      }
    }
    float[][] wh = big.toArray(new float[0][]);
    float[][] k = Kmeans.whitened(wh, n, KMEANS_RESTARTS, KMEANS_THRESH, rng);
    if (k == null) { // YOLOv5 switches to a random start when k-means cannot give n distinct points
      float[] r = new float[2 * n];
      for (int i = 0; i < r.length; i++) {
        r[i] = rng.nextFloat() * imageSize;
      }
      Arrays.sort(r);
      k = new float[n][];
      for (int i = 0; i < n; i++) {
        k[i] = new float[] {Math.max(r[2 * i], MIN_SIZE), Math.max(r[2 * i + 1], MIN_SIZE)};
      }
    }
    return sortByArea(evolve(wh, sortByArea(k), rng));
  }

  private static float[][] evolve(float[][] wh, float[][] k, Random rng) {
    float f = fitness(wh, k);
    int n = k.length;
    for (int g = 0; g < GENERATIONS; g++) {
      float[][] v = new float[n][2];
      boolean changed = false;
      while (!changed) { // mutate until a change occurs
        double scale = rng.nextDouble();
        for (int i = 0; i < n; i++) {
          for (int d = 0; d < 2; d++) {
            boolean mutate = rng.nextDouble() < 0.9;
            double gauss = rng.nextGaussian();
            double factor = mutate ? Math.min(Math.max(scale * gauss * 0.1 + 1, 0.3), 3.0) : 1.0;
            v[i][d] = (float) factor;
            changed |= v[i][d] != 1f;
          }
        }
      }
      float[][] kg = new float[n][2];
      for (int i = 0; i < n; i++) {
        for (int d = 0; d < 2; d++) {
          kg[i][d] = Math.max(k[i][d] * v[i][d], MIN_SIZE);
        }
      }
      float fg = fitness(wh, kg);
      if (fg > f) {
        f = fg;
        k = kg;
      }
    }
    return k;
  }

  /** Mean over boxes of the best fit where it passes the threshold, 0 elsewhere. */
  private static float fitness(float[][] wh, float[][] k) {
    double sum = 0;
    for (float[] b : wh) {
      float best = best(b, k);
      sum += best > 1f / THRESHOLD ? best : 0;
    }
    return (float) (sum / wh.length);
  }

  private static Fit fit(float[][] wh, float[][] k) {
    double recalled = 0;
    double above = 0;
    for (float[] b : wh) {
      float best = 0;
      for (float[] a : k) {
        float x = ratio(b, a);
        best = Math.max(best, x);
        above += x > 1f / THRESHOLD ? 1 : 0;
      }
      recalled += best > 1f / THRESHOLD ? 1 : 0;
    }
    return new Fit((float) (recalled / wh.length), (float) (above / wh.length));
  }

  private static float best(float[] b, float[][] k) {
    float best = 0;
    for (float[] a : k) {
      best = Math.max(best, ratio(b, a));
    }
    return best;
  }

  /** {@code min(r, 1/r)} over width and height. */
  private static float ratio(float[] box, float[] anchor) {
    float rw = box[0] / anchor[0];
    float rh = box[1] / anchor[1];
    return Math.min(Math.min(rw, 1f / rw), Math.min(rh, 1f / rh));
  }

  private static float[][] sortByArea(float[][] k) {
    float[][] s = k.clone();
    Arrays.sort(s, Comparator.comparingDouble(a -> (double) a[0] * a[1]));
    return s;
  }

  private static float[][] pixelSizes(Anchors a) {
    float[][] k = new float[a.levels() * a.perLevel()][];
    for (int l = 0; l < a.levels(); l++) {
      for (int i = 0; i < a.perLevel(); i++) {
        k[l * a.perLevel() + i] = new float[] {a.width(l, i), a.height(l, i)};
      }
    }
    return k;
  }

  private static Anchors toAnchors(float[][] k, Anchors like) {
    int[] strides = new int[like.levels()];
    float[][] wh = new float[like.levels()][2 * like.perLevel()];
    for (int l = 0; l < like.levels(); l++) {
      strides[l] = like.stride(l);
      for (int i = 0; i < like.perLevel(); i++) {
        wh[l][2 * i] = k[l * like.perLevel() + i][0];
        wh[l][2 * i + 1] = k[l * like.perLevel() + i][1];
      }
    }
    return new Anchors(strides, wh);
  }

  private static float[][] checkBoxes(float[][] boxWh) {
    if (boxWh.length == 0) {
      throw new IllegalArgumentException("boxWh: no boxes to fit anchors to");
    }
    for (int i = 0; i < boxWh.length; i++) {
      float[] b = boxWh[i];
      if (b.length != 2 || !(b[0] >= 0 && b[1] >= 0) || Float.isInfinite(b[0]) || Float.isInfinite(b[1])) {
        throw new IllegalArgumentException("boxWh: box " + i + " must be {w, h} finite and at least 0, got "
            + Arrays.toString(b));
      }
    }
    return boxWh;
  }
}
