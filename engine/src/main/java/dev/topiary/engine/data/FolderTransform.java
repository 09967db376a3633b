package dev.topiary.engine.data;

import java.util.SplittableRandom;

/**
 * Turns one decoded image into the model's input in a single pass: a {@link CropBox} of the source
 * is resampled bilinearly (pixel centres, PyTorch's {@code align_corners=false}, no antialiasing)
 * to {@code H × W}, mirrored when the box says so, scaled to [0, 1] and normalised per channel.
 * Fusing the steps reads each source byte a few times and writes each output float once, instead
 * of the four float copies a chain of transforms makes.
 *
 * <p>Evaluation uses {@link CropBox#centre}; training with augmentation uses {@link
 * CropBox#randomResized} with a flip, and without augmentation the centre crop. In {@code pad}
 * mode an image no larger than the input is placed at the centre of a black canvas instead, as the
 * in-memory pipeline zero-pads 28-pixel images for 32-pixel models. Immutable and thread-safe.
 */
final class FolderTransform {
  private final ImageShape out;
  private final float[] mean;
  private final float[] std;
  private final boolean random;
  private final boolean pad;

  FolderTransform(ImageShape out, float[] mean, float[] std, boolean random, boolean pad) {
    if (mean.length != out.channels() || std.length != out.channels()) {
      throw new IllegalArgumentException("mean, std: expected " + out.channels()
          + " values (one per model input channel), got " + mean.length + " and " + std.length);
    }
    new Normalize(mean, std); // validates the values
    this.out = out;
    this.mean = mean.clone();
    this.std = std.clone();
    this.random = random;
    this.pad = pad;
  }

  ImageShape outputShape() {
    return out;
  }

  /** Writes the transformed {@code img} (of {@code out}'s channel count) to {@code dst[offset...]}. */
  void apply(PixelImage img, SplittableRandom rng, float[] dst, int offset) {
    int oh = out.height();
    int ow = out.width();
    if (!random && pad && img.height() <= oh && img.width() <= ow) {
      padded(img, dst, offset);
      return;
    }
    CropBox box = random
        ? CropBox.randomResized(img.height(), img.width(), rng, true)
        : CropBox.centre(img.height(), img.width(), oh, ow);
    resample(img, box, dst, offset);
  }

  void resample(PixelImage img, CropBox box, float[] dst, int offset) {
    int oh = out.height();
    int ow = out.width();
    int h = img.height();
    int w = img.width();
    int[] x0 = new int[ow];
    int[] x1 = new int[ow];
    float[] fx = new float[ow];
    taps(box.left(), box.width(), w, ow, x0, x1, fx);
    if (box.flip()) {
      reverse(x0, x1, fx);
    }
    int[] y0 = new int[oh];
    int[] y1 = new int[oh];
    float[] fy = new float[oh];
    taps(box.top(), box.height(), h, oh, y0, y1, fy);
    byte[] src = img.pixels();
    int o = offset;
    for (int c = 0; c < out.channels(); c++) {
      int plane = c * h * w;
      float scale = 1f / (255f * std[c]);
      float shift = mean[c] / std[c];
      for (int y = 0; y < oh; y++) {
        int r0 = plane + y0[y] * w;
        int r1 = plane + y1[y] * w;
        float wy = fy[y];
        for (int x = 0; x < ow; x++) {
          float a = src[r0 + x0[x]] & 0xFF;
          float b = src[r0 + x1[x]] & 0xFF;
          float cc = src[r1 + x0[x]] & 0xFF;
          float d = src[r1 + x1[x]] & 0xFF;
          float top = a + (b - a) * fx[x];
          float bottom = cc + (d - cc) * fx[x];
          dst[o++] = (top + (bottom - top) * wy) * scale - shift;
        }
      }
    }
  }

  /** Source neighbours of each output coordinate for a crop of {@code len} source pixels at {@code start}. */
  private static void taps(double start, double len, int in, int n, int[] lo, int[] hi, float[] frac) {
    double scale = len / n;
    for (int i = 0; i < n; i++) {
      double s = Math.min(Math.max(start + (i + 0.5) * scale - 0.5, 0.0), in - 1);
      int i0 = (int) s;
      lo[i] = i0;
      hi[i] = Math.min(i0 + 1, in - 1);
      frac[i] = (float) (s - i0);
    }
  }

  private static void reverse(int[] lo, int[] hi, float[] frac) {
    for (int a = 0, b = lo.length - 1; a < b; a++, b--) {
      int t = lo[a];
      lo[a] = lo[b];
      lo[b] = t;
      t = hi[a];
      hi[a] = hi[b];
      hi[b] = t;
      float f = frac[a];
      frac[a] = frac[b];
      frac[b] = f;
    }
  }

  private void padded(PixelImage img, float[] dst, int offset) {
    int oh = out.height();
    int ow = out.width();
    int top = (oh - img.height()) / 2;
    int left = (ow - img.width()) / 2;
    byte[] src = img.pixels();
    for (int c = 0; c < out.channels(); c++) {
      float scale = 1f / (255f * std[c]);
      float shift = mean[c] / std[c];
      int base = offset + c * oh * ow;
      java.util.Arrays.fill(dst, base, base + oh * ow, -shift);
      for (int y = 0; y < img.height(); y++) {
        int s = (c * img.height() + y) * img.width();
        int d = base + (top + y) * ow + left;
        for (int x = 0; x < img.width(); x++) {
          dst[d + x] = (src[s + x] & 0xFF) * scale - shift;
        }
      }
    }
  }
}
