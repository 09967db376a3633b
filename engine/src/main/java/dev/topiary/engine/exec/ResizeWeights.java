package dev.topiary.engine.exec;

import dev.topiary.engine.graph.Resize;

/**
 * The interpolation weights of one axis of a {@link Resize}, as a dense matrix: entry (o, i) is
 * the weight of input pixel i in output pixel o. The source coordinate of output pixel o is ONNX's
 * coordinate_transformation_mode applied with 1 / scale (asymmetric {@code o / s}; half_pixel
 * {@code (o + 0.5) / s - 0.5}; pytorch_half_pixel the same, but 0 for a one-pixel output;
 * align_corners {@code o * (in - 1) / (out - 1)}). Nearest takes the pixel at floor of it; linear
 * clamps it to [0, in - 1] and splits the weight between the two pixels around it, as torch's
 * upsample kernels do.
 */
final class ResizeWeights {
  private ResizeWeights() {}

  /**
   * The [out, in] matrix of one axis, row-major, or its transpose [in, out] when {@code transposed}
   * (the columns' matrix multiplies from the right).
   */
  static float[] matrix(Resize r, int in, int out, double scale, boolean transposed) {
    float[] m = new float[in * out];
    for (int o = 0; o < out; o++) {
      double src = source(r.coordinates(), o, in, out, scale);
      if (Resize.NEAREST.equals(r.mode())) {
        put(m, o, clamp((int) Math.floor(src), in), 1, in, out, transposed);
        continue;
      }
      double s = Math.min(Math.max(src, 0), in - 1);
      int i0 = (int) Math.floor(s);
      int i1 = Math.min(i0 + 1, in - 1);
      double lambda = s - i0;
      put(m, o, i0, 1 - lambda, in, out, transposed);
      put(m, o, i1, lambda, in, out, transposed);
    }
    return m;
  }

  static double source(String coordinates, int o, int in, int out, double scale) {
    return switch (coordinates) {
      case Resize.ASYMMETRIC -> o / scale;
      case Resize.HALF_PIXEL -> (o + 0.5) / scale - 0.5;
      case Resize.PYTORCH_HALF_PIXEL -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
      case Resize.ALIGN_CORNERS -> out > 1 ? o * (in - 1.0) / (out - 1) : 0;
      default -> throw new IllegalArgumentException("unknown coordinate transform '" + coordinates + "'");
    };
  }

  private static int clamp(int i, int in) {
    return Math.min(Math.max(i, 0), in - 1);
  }

  /** Adds the weight: i0 and i1 coincide at the last pixel, where the weights must sum. */
  private static void put(float[] m, int o, int i, double weight, int in, int out, boolean transposed) {
    m[transposed ? i * out + o : o * in + i] += (float) weight;
  }
}
