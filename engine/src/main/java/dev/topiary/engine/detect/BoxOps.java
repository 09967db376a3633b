package dev.topiary.engine.detect;

/**
 * Box arithmetic on plain floats, shared by NMS and the metrics. Boxes are corners
 * {@code (x1, y1, x2, y2)} in pixels; a box with {@code x2 <= x1} or {@code y2 <= y1} has no area.
 *
 * <p>The float IoU ({@link #iou(float, float, float, float, float, float, float, float)}) does its
 * arithmetic in float32 in the order torchvision's CPU NMS kernel does (areas as
 * {@code (x2 - x1) * (y2 - y1)}, the intersection clamped at 0, then
 * {@code inter / (areaA + areaB - inter)}), so a comparison with the IoU threshold gives the same
 * answer as {@code torchvision.ops.nms} on the same float boxes, borderline cases included.
 */
public final class BoxOps {
  private BoxOps() {}

  /** The IoU of two corner boxes, in float32 as torchvision's NMS computes it; 0 when both are empty. */
  public static float iou(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2) {
    float areaA = (ax2 - ax1) * (ay2 - ay1);
    float areaB = (bx2 - bx1) * (by2 - by1);
    float w = Math.max(0f, Math.min(ax2, bx2) - Math.max(ax1, bx1));
    float h = Math.max(0f, Math.min(ay2, by2) - Math.max(ay1, by1));
    float inter = w * h;
    float union = areaA + areaB - inter;
    return union > 0 ? inter / union : 0f;
  }

  /** The IoU of boxes {@code i} and {@code j} of a packed corner array ({@code 4 * n} values). */
  public static float iou(float[] corners, int i, int j) {
    return iou(corners[4 * i], corners[4 * i + 1], corners[4 * i + 2], corners[4 * i + 3],
        corners[4 * j], corners[4 * j + 1], corners[4 * j + 2], corners[4 * j + 3]);
  }

  /**
   * The IoU matrix of two packed corner arrays: {@code result[i][j]} is the IoU of box {@code i} of
   * {@code a} and box {@code j} of {@code b}.
   */
  public static float[][] iouMatrix(float[] a, float[] b) {
    requirePacked("a", a);
    requirePacked("b", b);
    float[][] m = new float[a.length / 4][b.length / 4];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < b.length / 4; j++) {
        m[i][j] = iou(a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3], b[4 * j], b[4 * j + 1], b[4 * j + 2], b[4 * j + 3]);
      }
    }
    return m;
  }

  /**
   * The IoU of two boxes given as {@code (x, y, w, h)} with a top-left corner, in double, as
   * pycocotools' {@code maskApi.c bbIou} computes it for non-crowd boxes (0 unless both the overlap's
   * width and height are positive). The metrics use this one, so that a pair exactly at an IoU
   * threshold matches or not as in COCOeval.
   */
  public static double iouCoco(double ax, double ay, double aw, double ah, double bx, double by, double bw, double bh) {
    double w = Math.min(aw + ax, bw + bx) - Math.max(ax, bx);
    if (w <= 0) {
      return 0;
    }
    double h = Math.min(ah + ay, bh + by) - Math.max(ay, by);
    if (h <= 0) {
      return 0;
    }
    double inter = w * h;
    return inter / (aw * ah + bw * bh - inter);
  }

  /**
   * Centre boxes {@code (cx, cy, w, h)} to corners, packed: {@code 4 * n} values in, {@code 4 * n} out,
   * as YOLOv5's {@code xywh2xyxy} ({@code x1 = cx - w / 2}, ...).
   */
  public static float[] xywhToXyxy(float[] xywh) {
    requirePacked("xywh", xywh);
    float[] out = new float[xywh.length];
    for (int i = 0; i < xywh.length; i += 4) {
      float halfW = xywh[i + 2] / 2;
      float halfH = xywh[i + 3] / 2;
      out[i] = xywh[i] - halfW;
      out[i + 1] = xywh[i + 1] - halfH;
      out[i + 2] = xywh[i] + halfW;
      out[i + 3] = xywh[i + 1] + halfH;
    }
    return out;
  }

  private static void requirePacked(String name, float[] boxes) {
    if (boxes.length % 4 != 0) {
      throw new IllegalArgumentException(name + ": packed boxes need 4 values each, got " + boxes.length + " values");
    }
  }
}
