package dev.topiary.engine.graph;

import java.util.List;
import java.util.Set;

/**
 * Spatial resize by a scale per axis (ONNX Resize / Upsample, torch.nn.functional.interpolate);
 * the output has {@code floor(in * scale)} rows and columns.
 *
 * <p>{@code mode} is {@code nearest} or {@code linear} (bilinear). {@code coordinates} is ONNX's
 * coordinate_transformation_mode: nearest takes {@code asymmetric} (with floor rounding, torch's
 * nearest); linear takes {@code half_pixel} or {@code pytorch_half_pixel} (torch's
 * align_corners=False) or {@code align_corners}.
 */
public record Resize(String mode, String coordinates, double scaleH, double scaleW) implements Op {
  public static final String NEAREST = "nearest";
  public static final String LINEAR = "linear";
  public static final String ASYMMETRIC = "asymmetric";
  public static final String HALF_PIXEL = "half_pixel";
  public static final String PYTORCH_HALF_PIXEL = "pytorch_half_pixel";
  public static final String ALIGN_CORNERS = "align_corners";

  private static final Set<String> LINEAR_COORDINATES = Set.of(HALF_PIXEL, PYTORCH_HALF_PIXEL, ALIGN_CORNERS);

  public Resize {
    if (NEAREST.equals(mode)) {
      if (!ASYMMETRIC.equals(coordinates)) {
        throw new IllegalArgumentException("nearest resize supports coordinates 'asymmetric', got '" + coordinates + "'");
      }
    } else if (LINEAR.equals(mode)) {
      if (!LINEAR_COORDINATES.contains(coordinates)) {
        throw new IllegalArgumentException("linear resize supports coordinates " + LINEAR_COORDINATES + ", got '" + coordinates + "'");
      }
    } else {
      throw new IllegalArgumentException("mode must be 'nearest' or 'linear', got '" + mode + "'");
    }
    if (!(scaleH > 0) || !(scaleW > 0) || Double.isInfinite(scaleH) || Double.isInfinite(scaleW)) {
      throw new IllegalArgumentException("scales must be positive and finite, got " + scaleH + ", " + scaleW);
    }
  }

  @Override
  public OpType type() {
    return OpType.RESIZE;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape in = OpShapes.featureMap(inputs, "Resize");
    int h = outputSize(in.height(), scaleH);
    int w = outputSize(in.width(), scaleW);
    if (h < 1 || w < 1) {
      throw new IllegalArgumentException("scales " + scaleH + ", " + scaleW + " leave no pixel of " + in);
    }
    return TensorShape.of(in.channels(), h, w);
  }

  /**
   * floor(in * scale), tolerant of the rounding in a scale computed as out / in (14 / 3 * 3 is a
   * hair below 14 in binary floating point).
   */
  public static int outputSize(int in, double scale) {
    return (int) Math.floor(in * scale + 1e-9);
  }

  @Override
  public boolean channelwise() {
    return true;
  }
}
