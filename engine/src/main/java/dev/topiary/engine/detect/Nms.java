package dev.topiary.engine.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Class-aware non-maximum suppression with the semantics of YOLOv5's {@code non_max_suppression}
 * (v6/v7, boxes only, no merge, not agnostic).
 *
 * <p>Two steps, both public so that a reference check can feed the same candidates to torchvision:
 * {@link #candidates} turns decoded rows into scored boxes (objectness above {@code conf}, score =
 * {@code obj * cls} above {@code conf}, every such class or the best one), and {@link #suppress} keeps
 * the best {@value #MAX_CANDIDATES} by score and runs greedy NMS within each class, which is what
 * YOLOv5's class offset of 7680 px does (the offset only separates classes; doing it per class avoids
 * the float rounding the offset adds to coordinates).
 *
 * <p>Ties are broken by candidate order: candidates are sorted by score with a stable sort, so of two
 * equal scores the one produced first (decoder order: level, anchor, row, column; then class) comes
 * first, survives, and may suppress the other. torchvision's CPU {@code nms} sorts scores with a stable
 * sort as well, so given candidates in the same order it keeps the same boxes; YOLOv5 itself
 * pre-sorts with {@code argsort(descending=True)}, which does not promise an order for ties, so YOLOv5
 * may keep the other of two tied overlapping boxes. The kept list is in that same sorted order and
 * cut to {@code maxDet}.
 */
public final class Nms {
  /** YOLOv5's {@code max_nms}: candidates past this many, by score, are dropped before NMS. */
  public static final int MAX_CANDIDATES = 30000;

  private Nms() {}

  /** {@link #candidates} then {@link #suppress} with the settings' IoU and {@code maxDet}. */
  public static List<Detection> apply(float[] rows, int numClasses, NmsSettings settings) {
    return suppress(candidates(rows, numClasses, settings), settings.iou(), settings.maxDet());
  }

  /**
   * The scored boxes of one image, in row order (and class order within a row).
   *
   * @param rows decoded rows packed one after another, {@code 5 + numClasses} values each: centre x,
   *     centre y, width, height in pixels, objectness, then the class probabilities
   */
  public static List<Detection> candidates(float[] rows, int numClasses, NmsSettings settings) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses: must be at least 1, got " + numClasses);
    }
    int stride = 5 + numClasses;
    if (rows.length % stride != 0) {
      throw new IllegalArgumentException("rows: " + rows.length + " values is not a whole number of rows of 5 + " + numClasses);
    }
    // as YOLOv5: one class cannot be multi-label; thresholds compared in float32, as torch compares a
    // float tensor with a Python scalar
    boolean multiLabel = settings.multiLabel() && numClasses > 1;
    float conf = settings.conf();
    List<Detection> out = new ArrayList<>();
    for (int r = 0; r < rows.length; r += stride) {
      float obj = rows[r + 4];
      if (!(obj > conf)) {
        continue;
      }
      float halfW = rows[r + 2] / 2;
      float halfH = rows[r + 3] / 2;
      float x1 = rows[r] - halfW;
      float y1 = rows[r + 1] - halfH;
      float x2 = rows[r] + halfW;
      float y2 = rows[r + 1] + halfH;
      if (multiLabel) {
        for (int c = 0; c < numClasses; c++) {
          float score = rows[r + 5 + c] * obj;
          if (score > conf) {
            out.add(new Detection(x1, y1, x2, y2, score, c));
          }
        }
      } else {
        int best = 0;
        float bestScore = rows[r + 5] * obj;
        for (int c = 1; c < numClasses; c++) {
          float score = rows[r + 5 + c] * obj;
          if (score > bestScore) {
            best = c;
            bestScore = score;
          }
        }
        if (bestScore > conf) {
          out.add(new Detection(x1, y1, x2, y2, bestScore, best));
        }
      }
    }
    return out;
  }

  /**
   * Greedy NMS within each class: in descending score order (stable), a box is kept unless a kept box
   * of its class overlaps it with IoU above {@code iou}. Returns the kept boxes, best first, at most
   * {@code maxDet}.
   */
  public static List<Detection> suppress(List<Detection> candidates, float iou, int maxDet) {
    if (!(iou >= 0 && iou <= 1)) {
      throw new IllegalArgumentException("iou: must lie in [0, 1], got " + iou);
    }
    if (maxDet < 1) {
      throw new IllegalArgumentException("maxDet: must be at least 1, got " + maxDet);
    }
    Integer[] order = new Integer[candidates.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> candidates.get(i).conf()).reversed()); // stable
    int n = Math.min(order.length, MAX_CANDIDATES);
    // torchvision compares the float IoU with the threshold as a C++ double; Python passes 0.45, not
    // the float 0.45f, so the threshold is the double the float's decimal form names
    double threshold = Double.parseDouble(Float.toString(iou));
    boolean[] kept = new boolean[n];
    for (int[] members : byClass(candidates, order, n)) {
      suppressWithin(candidates, order, members, threshold, kept);
    }
    List<Detection> out = new ArrayList<>();
    for (int s = 0; s < n && out.size() < maxDet; s++) {
      if (kept[s]) {
        out.add(candidates.get(order[s]));
      }
    }
    return out;
  }

  /** Sorted positions (indices into {@code order}) grouped by class, each group in sorted order. */
  private static List<int[]> byClass(List<Detection> candidates, Integer[] order, int n) {
    int classes = 0;
    for (int s = 0; s < n; s++) {
      classes = Math.max(classes, candidates.get(order[s]).cls() + 1);
    }
    int[] counts = new int[classes];
    for (int s = 0; s < n; s++) {
      counts[candidates.get(order[s]).cls()]++;
    }
    List<int[]> groups = new ArrayList<>();
    int[][] byCls = new int[classes][];
    for (int c = 0; c < classes; c++) {
      byCls[c] = new int[counts[c]];
      counts[c] = 0;
      groups.add(byCls[c]);
    }
    for (int s = 0; s < n; s++) {
      int c = candidates.get(order[s]).cls();
      byCls[c][counts[c]++] = s;
    }
    return groups;
  }

  private static void suppressWithin(List<Detection> candidates, Integer[] order, int[] members, double threshold, boolean[] kept) {
    float[] corners = new float[4 * members.length];
    for (int m = 0; m < members.length; m++) {
      Detection d = candidates.get(order[members[m]]);
      corners[4 * m] = d.x1();
      corners[4 * m + 1] = d.y1();
      corners[4 * m + 2] = d.x2();
      corners[4 * m + 3] = d.y2();
    }
    boolean[] suppressed = new boolean[members.length];
    for (int i = 0; i < members.length; i++) {
      if (suppressed[i]) {
        continue;
      }
      kept[members[i]] = true;
      for (int j = i + 1; j < members.length; j++) {
        if (!suppressed[j] && BoxOps.iou(corners, i, j) > threshold) {
          suppressed[j] = true;
        }
      }
    }
  }
}
