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

  /** The metadata form: levels separated by {@code ;}, values by {@code ,} ({@code 10,13,16,30,33,23;30,61,...}). */
  public String format() {
    StringBuilder s = new StringBuilder();
    for (int l = 0; l < wh.length; l++) {
      s.append(l == 0 ? "" : ";");
      for (int i = 0; i < wh[l].length; i++) {
        s.append(i == 0 ? "" : ",").append(trim(wh[l][i]));
      }
    }
    return s.toString();
  }

  /** Strides in the metadata form, {@code 8,16,32}. */
  public String formatStrides() {
    StringBuilder s = new StringBuilder();
    for (int l = 0; l < strides.length; l++) {
      s.append(l == 0 ? "" : ",").append(strides[l]);
    }
    return s.toString();
  }

  /**
   * Reads {@link #format()} and {@link #formatStrides()}'s forms.
   *
   * @throws IllegalArgumentException naming {@code field} and the bad value
   */
  public static Anchors parse(String anchors, String strides, String field) {
    try {
      String[] levels = anchors.split(";", -1);
      String[] st = strides.split(",", -1);
      int[] s = new int[st.length];
      for (int i = 0; i < st.length; i++) {
        s[i] = Integer.parseInt(st[i].trim());
      }
      float[][] wh = new float[levels.length][];
      for (int l = 0; l < levels.length; l++) {
        String[] v = levels[l].split(",", -1);
        wh[l] = new float[v.length];
        for (int i = 0; i < v.length; i++) {
          wh[l][i] = Float.parseFloat(v[i].trim());
        }
      }
      return new Anchors(s, wh);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + ": not a list of numbers: '" + anchors + "' (strides '" + strides + "')", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }

  private static String trim(float v) {
    return v == Math.rint(v) && Math.abs(v) < 1e7 ? Integer.toString((int) v) : Float.toString(v);
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
