package dev.topiary.engine.data;

import java.util.SplittableRandom;

/**
 * Resizes every channel to {@code height × width}. Bilinear sampling uses pixel centres (PyTorch's
 * {@code align_corners=false}, without antialiasing); nearest picks {@code floor(dst * in / out)}
 * as PyTorch's {@code nearest} mode does.
 */
public final class Resize implements SampleTransform {
  /** How output pixels are sampled from the input. */
  public enum Interpolation {
    BILINEAR,
    NEAREST
  }

  private final int height;
  private final int width;
  private final Interpolation interpolation;

  /** Bilinear resize to {@code height × width}. */
  public Resize(int height, int width) {
    this(height, width, Interpolation.BILINEAR);
  }

  public Resize(int height, int width, Interpolation interpolation) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "height, width: must be positive, got " + height + "x" + width);
    }
    if (interpolation == null) {
      throw new IllegalArgumentException("interpolation: required");
    }
    this.height = height;
    this.width = width;
    this.interpolation = interpolation;
  }

  @Override
  public ImageShape outputShape(ImageShape input) {
    return new ImageShape(input.channels(), height, width);
  }

  @Override
  public void apply(FloatImage image, SplittableRandom random) {
    int c = image.channels();
    float[] out = image.scratch(c * height * width);
    resample(image.data(), c, image.height(), image.width(), out, height, width, interpolation);
    image.swap(c, height, width);
  }

  /** Resamples a {@code c×h×w} CHW image into {@code out} as {@code c×oh×ow}. */
  static void resample(
      float[] in, int c, int h, int w, float[] out, int oh, int ow, Interpolation mode) {
    if (mode == Interpolation.NEAREST) {
      nearest(in, c, h, w, out, oh, ow);
    } else {
      bilinear(in, c, h, w, out, oh, ow);
    }
  }

  private static void nearest(float[] in, int c, int h, int w, float[] out, int oh, int ow) {
    int[] sx = new int[ow];
    for (int x = 0; x < ow; x++) {
      sx[x] = Math.min((int) ((long) x * w / ow), w - 1);
    }
    int o = 0;
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < oh; y++) {
        int row = (ch * h + Math.min((int) ((long) y * h / oh), h - 1)) * w;
        for (int x = 0; x < ow; x++) {
          out[o++] = in[row + sx[x]];
        }
      }
    }
  }

  private static void bilinear(float[] in, int c, int h, int w, float[] out, int oh, int ow) {
    int[] x0 = new int[ow];
    int[] x1 = new int[ow];
    float[] fx = new float[ow];
    taps(w, ow, x0, x1, fx);
    int[] y0 = new int[oh];
    int[] y1 = new int[oh];
    float[] fy = new float[oh];
    taps(h, oh, y0, y1, fy);
    int o = 0;
    for (int ch = 0; ch < c; ch++) {
      int plane = ch * h * w;
      for (int y = 0; y < oh; y++) {
        int r0 = plane + y0[y] * w;
        int r1 = plane + y1[y] * w;
        float wy = fy[y];
        for (int x = 0; x < ow; x++) {
          float top = in[r0 + x0[x]] + (in[r0 + x1[x]] - in[r0 + x0[x]]) * fx[x];
          float bottom = in[r1 + x0[x]] + (in[r1 + x1[x]] - in[r1 + x0[x]]) * fx[x];
          out[o++] = top + (bottom - top) * wy;
        }
      }
    }
  }

  /** For each output coordinate: the two input neighbours and the weight of the second. */
  private static void taps(int in, int out, int[] lo, int[] hi, float[] frac) {
    double scale = (double) in / out;
    for (int i = 0; i < out; i++) {
      double src = Math.max((i + 0.5) * scale - 0.5, 0.0);
      int i0 = Math.min((int) src, in - 1);
      lo[i] = i0;
      hi[i] = Math.min(i0 + 1, in - 1);
      frac[i] = (float) (src - i0);
    }
  }

  @Override
  public String toString() {
    return "Resize[" + height + "x" + width + ", " + interpolation + "]";
  }
}
