package dev.topiary.engine.detect;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the raw Detect head maps into boxes, as YOLOv5 v6's {@code Detect.forward} does in inference,
 * then runs {@link Nms}.
 *
 * <p>Each head map is {@code [B, na * (5 + nc), H, W]}, channel {@code a * (5 + nc) + k} holding, for
 * anchor {@code a}: {@code k = 0..3} the raw box, 4 the objectness, 5.. the class logits (YOLOv5 views
 * it as {@code (B, na, 5 + nc, H, W)}). Everything goes through a sigmoid {@code s}; then
 * {@code xy = (2 s - 0.5 + grid) * stride} and {@code wh = (2 s)^2 * anchor}, in input pixels.
 *
 * <p>The element-wise work runs as NDArray ops on the maps' device; only the rows whose objectness
 * passes the confidence threshold are copied to Java. Rows come out in YOLOv5's order (level, anchor,
 * grid row, grid column), which is the order NMS breaks score ties by. Temporary arrays live in a
 * sub-manager closed before returning; the head maps are left as they were.
 */
public final class DetectionDecoder {
  private DetectionDecoder() {}

  /**
   * Decodes and suppresses: one list per image of the batch, best first, boxes in input pixels.
   *
   * @param headMaps one map per level, in the order of {@code anchors}' levels
   */
  public static List<List<Detection>> detect(NDList headMaps, Anchors anchors, int numClasses, NmsSettings settings) {
    List<float[]> rows = decode(headMaps, anchors, numClasses, settings.conf());
    List<List<Detection>> out = new ArrayList<>(rows.size());
    for (float[] image : rows) {
      out.add(Nms.apply(image, numClasses, settings));
    }
    return out;
  }

  /**
   * The decoded rows of each image whose objectness is above {@code objThreshold}: packed, {@code 5 +
   * numClasses} floats each (centre x, centre y, width, height in pixels, objectness, class
   * probabilities), in YOLOv5's order; the input {@link Nms#candidates} takes.
   */
  public static List<float[]> decode(NDList headMaps, Anchors anchors, int numClasses, float objThreshold) {
    int batch = checkShapes(headMaps, anchors, numClasses);
    NDManager parent = headMaps.head().getManager();
    try (NDManager scope = parent.newSubManager()) {
      headMaps.tempAttach(scope);
      NDList levels = new NDList();
      for (int l = 0; l < headMaps.size(); l++) {
        levels.add(decodeLevel(scope, headMaps.get(l), anchors, l, numClasses));
      }
      NDArray all = levels.size() == 1 ? levels.head() : NDArrays.concat(levels, 1);
      List<float[]> out = new ArrayList<>(batch);
      for (int b = 0; b < batch; b++) {
        NDArray image = all.get(b);
        // the row mask spread over each row's values: masked_select gives the passing rows, packed
        NDArray passing = image.get(":, 4").gt(objThreshold).expandDims(1).broadcast(image.getShape());
        out.add(image.booleanMask(passing).toFloatArray());
      }
      return out;
    }
  }

  /** One level as {@code [B, na * H * W, 5 + nc]}, rows ordered anchor, row, column. */
  private static NDArray decodeLevel(NDManager scope, NDArray map, Anchors anchors, int level, int numClasses) {
    Shape shape = map.getShape();
    long batch = shape.get(0);
    long h = shape.get(2);
    long w = shape.get(3);
    int na = anchors.perLevel();
    int perAnchor = 5 + numClasses;
    Device device = map.getDevice();
    float stride = anchors.stride(level);
    NDArray s = Activation.sigmoid(map.toType(DataType.FLOAT32, false)).reshape(batch, na, perAnchor, h, w);
    // YOLOv5's grid holds (column - 0.5, row - 0.5); xy = (2 s + grid) * stride
    NDArray gridX = scope.arange(0f, (float) w).sub(0.5f).reshape(1, 1, 1, w).toDevice(device, false);
    NDArray gridY = scope.arange(0f, (float) h).sub(0.5f).reshape(1, 1, h, 1).toDevice(device, false);
    float[] wh = anchors.level(level);
    float[] aw = new float[na];
    float[] ah = new float[na];
    for (int a = 0; a < na; a++) {
      aw[a] = wh[2 * a];
      ah[a] = wh[2 * a + 1];
    }
    NDArray anchorW = scope.create(aw).reshape(1, na, 1, 1).toDevice(device, false);
    NDArray anchorH = scope.create(ah).reshape(1, na, 1, 1).toDevice(device, false);
    NDArray x = s.get(":, :, 0").mul(2f).add(gridX).mul(stride);
    NDArray y = s.get(":, :, 1").mul(2f).add(gridY).mul(stride);
    NDArray bw = s.get(":, :, 2").mul(2f).pow(2f).mul(anchorW);
    NDArray bh = s.get(":, :, 3").mul(2f).pow(2f).mul(anchorH);
    NDArray box = NDArrays.stack(new NDList(x, y, bw, bh), 2);
    NDArray decoded = NDArrays.concat(new NDList(box, s.get(":, :, 4:")), 2);
    return decoded.transpose(0, 1, 3, 4, 2).reshape(batch, na * h * w, perAnchor);
  }

  private static int checkShapes(NDList headMaps, Anchors anchors, int numClasses) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses: must be at least 1, got " + numClasses);
    }
    if (headMaps.size() != anchors.levels()) {
      throw new IllegalArgumentException("headMaps: one map per anchor level expected (" + anchors.levels() + "), got " + headMaps.size());
    }
    long channels = (long) anchors.perLevel() * (5 + numClasses);
    long batch = -1;
    for (int l = 0; l < headMaps.size(); l++) {
      Shape shape = headMaps.get(l).getShape();
      if (shape.dimension() != 4 || shape.get(1) != channels) {
        throw new IllegalArgumentException("headMaps: level " + l + " must be [B, " + anchors.perLevel() + " * (5 + " + numClasses + ") = "
            + channels + ", H, W], got " + shape);
      }
      if (batch >= 0 && shape.get(0) != batch) {
        throw new IllegalArgumentException("headMaps: level " + l + " has batch " + shape.get(0) + ", level 0 has " + batch);
      }
      batch = shape.get(0);
    }
    return (int) batch;
  }
}
