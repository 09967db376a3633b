package dev.topiary.engine.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * YOLOv5 v6's {@code ComputeLoss.build_targets}, on the host: which anchor of which cell at which
 * level learns each labelled box. It needs only the targets, the anchors and the map sizes, so it
 * runs in Java before the loss gathers the predictions of the assigned cells on the device.
 *
 * <p>Targets are YOLOv5's rows {@code (image, class, cx, cy, w, h)}, the box normalised to [0, 1]
 * of the input's width (x, w) and height (y, h). At each level, a target goes to every anchor
 * whose width and height ratios to it ({@code max(r, 1/r)} of both) stay below the anchor
 * threshold (4.0), and for each such anchor to three cells: the one holding the box centre and its
 * two neighbours nearest the centre (left or right, up or down; offset 0.5), where they lie inside
 * the map. All arithmetic is float32 in YOLOv5's order, so cell indices agree with it exactly.
 *
 * <p>Rows come in YOLOv5's order: by neighbour (centre, left, up, right, down), then anchor, then
 * target; the loss writes objectness targets in that order, the last write to a cell winning.
 */
public final class TargetAssignment {
  /** Values per target row: image, class, cx, cy, w, h. */
  public static final int ROW = 6;
  private static final String[] COLUMNS = {"image", "class", "cx", "cy", "w", "h"};
  private static final float OFFSET = 0.5f;
  private static final float[][] NEIGHBOURS = {{0, 0}, {1, 0}, {0, 1}, {-1, 0}, {0, -1}};

  /**
   * The targets one level assigns; row {@code r} of {@code count}.
   *
   * @param image the sample in the batch
   * @param anchor the anchor within the level
   * @param gridY the cell row, within [0, H)
   * @param gridX the cell column, within [0, W)
   * @param cls the class
   * @param box {@code [count * 4]}: x, y of the centre relative to the cell's corner, w, h, all in
   *     grid units (YOLOv5's {@code tbox})
   * @param anchorWh {@code [count * 2]}: the anchor's w, h in grid units
   */
  public record Level(int count, int[] image, int[] anchor, int[] gridY, int[] gridX, int[] cls,
      float[] box, float[] anchorWh) {}

  private final List<Level> levels;

  private TargetAssignment(List<Level> levels) {
    this.levels = List.copyOf(levels);
  }

  /**
   * Assigns targets to the anchors and cells of every level.
   *
   * @param targets rows of {@value #ROW} values, see the class comment
   * @param batchSize images in the batch: image indices must be below it
   * @param numClasses class indices must be below it
   * @param anchors the head's anchors in pixels, with their strides
   * @param gridHeights map height per level
   * @param gridWidths map width per level
   * @param anchorThreshold YOLOv5's {@code anchor_t}, 4.0 by default
   * @throws IllegalArgumentException naming the row and value when targets are malformed
   */
  public static TargetAssignment assign(float[] targets, int batchSize, int numClasses, Anchors anchors,
      int[] gridHeights, int[] gridWidths, float anchorThreshold) {
    checkTargets(targets, batchSize, numClasses);
    if (gridHeights.length != anchors.levels() || gridWidths.length != anchors.levels()) {
      throw new IllegalArgumentException("grid sizes: " + gridHeights.length + " heights and " + gridWidths.length
          + " widths for " + anchors.levels() + " anchor levels");
    }
    List<Level> out = new ArrayList<>();
    for (int l = 0; l < anchors.levels(); l++) {
      out.add(level(targets, anchors, l, gridHeights[l], gridWidths[l], anchorThreshold));
    }
    return new TargetAssignment(out);
  }

  public int levels() {
    return levels.size();
  }

  public Level level(int level) {
    return levels.get(level);
  }

  private static Level level(float[] targets, Anchors anchors, int l, int h, int w, float threshold) {
    int nt = targets.length / ROW;
    int na = anchors.perLevel();
    float stride = anchors.stride(l);
    // anchor-major (a, t) pairs whose shape ratio passes, as t[j] of the (na, nt) mask
    List<int[]> kept = new ArrayList<>();
    for (int a = 0; a < na; a++) {
      float aw = anchors.width(l, a) / stride;
      float ah = anchors.height(l, a) / stride;
      for (int t = 0; t < nt; t++) {
        float rw = targets[t * ROW + 4] * w / aw;
        float rh = targets[t * ROW + 5] * h / ah;
        if (Math.max(Math.max(rw, 1f / rw), Math.max(rh, 1f / rh)) < threshold) {
          kept.add(new int[] {a, t});
        }
      }
    }
    Builder b = new Builder(kept.size() * 3);
    for (int o = 0; o < NEIGHBOURS.length; o++) {
      for (int[] at : kept) {
        int t = at[1];
        float gx = targets[t * ROW + 2] * w;
        float gy = targets[t * ROW + 3] * h;
        if (!takesNeighbour(o, gx, gy, w - gx, h - gy)) {
          continue;
        }
        int gi = (int) (gx - NEIGHBOURS[o][0] * OFFSET);
        int gj = (int) (gy - NEIGHBOURS[o][1] * OFFSET);
        gi = Math.min(Math.max(gi, 0), w - 1);
        gj = Math.min(Math.max(gj, 0), h - 1);
        b.add((int) targets[t * ROW], at[0], gj, gi, (int) targets[t * ROW + 1],
            gx - gi, gy - gj, targets[t * ROW + 4] * w, targets[t * ROW + 5] * h,
            anchors.width(l, at[0]) / stride, anchors.height(l, at[0]) / stride);
      }
    }
    return b.build();
  }

  /** YOLOv5's masks: all, j (left), k (up), l (right), m (down). */
  private static boolean takesNeighbour(int o, float gx, float gy, float gxi, float gyi) {
    return switch (o) {
      case 0 -> true;
      case 1 -> gx % 1 < OFFSET && gx > 1;
      case 2 -> gy % 1 < OFFSET && gy > 1;
      case 3 -> gxi % 1 < OFFSET && gxi > 1;
      default -> gyi % 1 < OFFSET && gyi > 1;
    };
  }

  private static void checkTargets(float[] targets, int batchSize, int numClasses) {
    if (targets.length % ROW != 0) {
      throw new IllegalArgumentException("targets: " + targets.length + " values are not rows of " + ROW
          + " (image, class, cx, cy, w, h)");
    }
    for (int r = 0; r < targets.length / ROW; r++) {
      float image = targets[r * ROW];
      float cls = targets[r * ROW + 1];
      if (!(image >= 0 && image < batchSize && image == Math.rint(image))) {
        throw new IllegalArgumentException("targets: row " + r + " has image index " + image
            + ", not an integer in [0, " + batchSize + ")");
      }
      if (!(cls >= 0 && cls < numClasses && cls == Math.rint(cls))) {
        throw new IllegalArgumentException("targets: row " + r + " has class " + cls
            + ", not an integer in [0, " + numClasses + ")");
      }
      for (int k = 2; k < ROW; k++) {
        float v = targets[r * ROW + k];
        if (!(v >= 0 && v <= 1)) {
          throw new IllegalArgumentException("targets: row " + r + " column " + k + " (" + COLUMNS[k] + ") is " + v
              + ", outside [0, 1]");
        }
      }
    }
  }

  /** Growing column arrays for one level. */
  private static final class Builder {
    private int n;
    private int[] image;
    private int[] anchor;
    private int[] gy;
    private int[] gx;
    private int[] cls;
    private float[] box;
    private float[] anchorWh;

    Builder(int capacity) {
      int c = Math.max(capacity, 4);
      image = new int[c];
      anchor = new int[c];
      gy = new int[c];
      gx = new int[c];
      cls = new int[c];
      box = new float[4 * c];
      anchorWh = new float[2 * c];
    }

    void add(int img, int a, int j, int i, int c, float x, float y, float bw, float bh, float aw, float ah) {
      if (n == image.length) {
        int c2 = 2 * n;
        image = Arrays.copyOf(image, c2);
        anchor = Arrays.copyOf(anchor, c2);
        gy = Arrays.copyOf(gy, c2);
        gx = Arrays.copyOf(gx, c2);
        cls = Arrays.copyOf(cls, c2);
        box = Arrays.copyOf(box, 4 * c2);
        anchorWh = Arrays.copyOf(anchorWh, 2 * c2);
      }
      image[n] = img;
      anchor[n] = a;
      gy[n] = j;
      gx[n] = i;
      cls[n] = c;
      box[4 * n] = x;
      box[4 * n + 1] = y;
      box[4 * n + 2] = bw;
      box[4 * n + 3] = bh;
      anchorWh[2 * n] = aw;
      anchorWh[2 * n + 1] = ah;
      n++;
    }

    Level build() {
      return new Level(n, Arrays.copyOf(image, n), Arrays.copyOf(anchor, n),
          Arrays.copyOf(gy, n), Arrays.copyOf(gx, n), Arrays.copyOf(cls, n),
          Arrays.copyOf(box, 4 * n), Arrays.copyOf(anchorWh, 2 * n));
    }
  }
}
