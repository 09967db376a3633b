package dev.topiary.engine.detect;

/**
 * The thresholds of {@link Nms}, as YOLOv5's {@code non_max_suppression} takes them.
 *
 * @param conf candidates need objectness above it, and then a class score ({@code obj * cls}) above it
 * @param iou a box is suppressed by a higher-scoring box of its class whose IoU with it is above this
 * @param maxDet the most detections kept per image, after NMS
 * @param multiLabel every class scoring above {@code conf} gives a candidate (val.py), or only the best
 *     class of each box (detect.py)
 */
public record NmsSettings(float conf, float iou, int maxDet, boolean multiLabel) {
  /** detect.py's defaults: what {@code predict-boxes} shows. */
  public static final NmsSettings PREDICT = new NmsSettings(0.25f, 0.45f, 1000, false);
  /** val.py's defaults: what mAP is measured on. */
  public static final NmsSettings VALIDATE = new NmsSettings(0.001f, 0.6f, 300, true);

  public NmsSettings {
    if (!(conf >= 0 && conf <= 1)) {
      throw new IllegalArgumentException("conf: must lie in [0, 1], got " + conf);
    }
    if (!(iou >= 0 && iou <= 1)) {
      throw new IllegalArgumentException("iou: must lie in [0, 1], got " + iou);
    }
    if (maxDet < 1) {
      throw new IllegalArgumentException("maxDet: must be at least 1, got " + maxDet);
    }
  }
}
