package dev.topiary.engine.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Zero padding: either fixed amounts per side, or centred up to a target size (odd remainders go
 * to the bottom and right), e.g. {@code Pad.toSize(32, 32)} turns 28×28 Fashion-MNIST into 32×32.
 */
public final class Pad implements SampleTransform {
  private final int top;
  private final int bottom;
  private final int left;
  private final int right;
  private final int targetHeight; // > 0: centred padding up to this size; amounts unused
  private final int targetWidth;

  private Pad(int top, int bottom, int left, int right, int targetHeight, int targetWidth) {
    this.top = top;
    this.bottom = bottom;
    this.left = left;
    this.right = right;
    this.targetHeight = targetHeight;
    this.targetWidth = targetWidth;
  }

  /** {@code padding} zeros on every side. */
  public static Pad uniform(int padding) {
    return of(padding, padding, padding, padding);
  }

  /** The given number of zeros on each side. */
  public static Pad of(int top, int bottom, int left, int right) {
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      throw new IllegalArgumentException(
          "padding: must be >= 0, got top=" + top + " bottom=" + bottom + " left=" + left + " right=" + right);
    }
    return new Pad(top, bottom, left, right, 0, 0);
  }

  /** Centred zero padding up to {@code height × width}; inputs larger than that are rejected. */
  public static Pad toSize(int height, int width) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "height, width: must be positive, got " + height + "x" + width);
    }
    return new Pad(0, 0, 0, 0, height, width);
  }

  @Override
  public ImageShape outputShape(ImageShape input) {
    if (targetHeight > 0) {
      if (input.height() > targetHeight || input.width() > targetWidth) {
        throw new IllegalArgumentException(
            "height, width: cannot pad " + input + " to " + targetHeight + "x" + targetWidth);
      }
      return new ImageShape(input.channels(), targetHeight, targetWidth);
    }
    return new ImageShape(input.channels(), input.height() + top + bottom, input.width() + left + right);
  }

  @Override
  public void apply(FloatImage image, SplittableRandom random) {
    int c = image.channels();
    int h = image.height();
    int w = image.width();
    ImageShape out = outputShape(image.shape());
    int oh = out.height();
    int ow = out.width();
    int t = targetHeight > 0 ? (oh - h) / 2 : top;
    int l = targetWidth > 0 ? (ow - w) / 2 : left;
    float[] src = image.data();
    float[] dst = image.scratch(c * oh * ow);
    Arrays.fill(dst, 0, c * oh * ow, 0f);
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(src, (ch * h + y) * w, dst, (ch * oh + y + t) * ow + l, w);
      }
    }
    image.swap(c, oh, ow);
  }

  @Override
  public String toString() {
    return targetHeight > 0
        ? "Pad[to " + targetHeight + "x" + targetWidth + "]"
        : "Pad[" + top + "," + bottom + "," + left + "," + right + "]";
  }
}
