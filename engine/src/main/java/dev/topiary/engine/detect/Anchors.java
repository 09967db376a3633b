package dev.topiary.engine.detect;

import java.util.Arrays;

/**
 * The anchor boxes of a Detect head: per level, its stride and its anchors' widths and heights in
 * input pixels ({@code wh[level][2 * a]}, {@code wh[level][2 * a + 1]}). Immutable.
 */
public final class Anchors {
  private final int[] strides;
  private final float[][] wh;

  public Anchors(int[] strides, float[][] wh) {
    if (strides.length == 0 || strides.length != wh.length) {
      throw new IllegalArgumentException("anchors: one row of anchors per stride, got " + strides.length + " strides and " + wh.length + " rows");
    }
    int perLevel = wh[0].length;
    for (int l = 0; l < wh.length; l++) {
      if (wh[l].length == 0 || wh[l].length % 2 != 0 || wh[l].length != perLevel) {
        throw new IllegalArgumentException("anchors: level " + l + " must hold the same even number of values (w, h pairs) as level 0, got " + wh[l].length);
      }
      for (float v : wh[l]) {
        if (!(v > 0) || Float.isInfinite(v)) {
          throw new IllegalArgumentException("anchors: level " + l + " has a non-positive or infinite size " + v);
        }
      }
      if (strides[l] <= 0) {
        throw new IllegalArgumentException("anchors: stride " + l + " must be positive, got " + strides[l]);
      }
    }
    this.strides = strides.clone();
    this.wh = new float[wh.length][];
    for (int l = 0; l < wh.length; l++) {
      this.wh[l] = wh[l].clone();
    }
  }

  /** YOLOv5's default P3/8, P4/16, P5/32 anchors ({@code models/yolov5s.yaml}). */
  public static Anchors yolov5Default() {
    return new Anchors(new int[] {8, 16, 32}, new float[][] {
        {10, 13, 16, 30, 33, 23},
        {30, 61, 62, 45, 59, 119},
        {116, 90, 156, 198, 373, 326}});
  }

  public int levels() {
    return strides.length;
  }

  public int perLevel() {
    return wh[0].length / 2;
  }

  public int stride(int level) {
    return strides[level];
  }

  public float width(int level, int anchor) {
    return wh[level][2 * anchor];
  }

  public float height(int level, int anchor) {
    return wh[level][2 * anchor + 1];
  }

  /** A copy of level {@code level}'s (w, h) pairs in pixels. */
  public float[] level(int level) {
    return wh[level].clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Anchors a && Arrays.equals(strides, a.strides) && Arrays.deepEquals(wh, a.wh);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(strides) + Arrays.deepHashCode(wh);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Anchors[");
    for (int l = 0; l < strides.length; l++) {
      s.append(l == 0 ? "" : "; ").append("stride ").append(strides[l]).append(": ").append(Arrays.toString(wh[l]));
    }
    return s.append(']').toString();
  }
}
