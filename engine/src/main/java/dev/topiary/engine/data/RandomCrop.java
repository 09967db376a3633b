package dev.topiary.engine.data;

import java.util.SplittableRandom;

/**
 * Training augmentation: zero-pads every side by {@code padding} and crops a random {@code height ×
 * width} window (the classic "pad 4, crop 32" for CIFAR). The padded image is never materialised;
 * out-of-image positions read as zero. Draws two integers from the random source per sample.
 */
public final class RandomCrop implements SampleTransform {
  private final int height;
  private final int width;
  private final int padding;

  public RandomCrop(int height, int width, int padding) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "height, width: must be positive, got " + height + "x" + width);
    }
    if (padding < 0) {
      throw new IllegalArgumentException("padding: must be >= 0, got " + padding);
    }
    this.height = height;
    this.width = width;
    this.padding = padding;
  }

  @Override
  public ImageShape outputShape(ImageShape input) {
    if (input.height() + 2 * padding < height || input.width() + 2 * padding < width) {
      throw new IllegalArgumentException(
          "height, width: a " + height + "x" + width + " crop does not fit " + input
              + " padded by " + padding);
    }
    return new ImageShape(input.channels(), height, width);
  }

  @Override
  public void apply(FloatImage image, SplittableRandom random) {
    outputShape(image.shape());
    int c = image.channels();
    int h = image.height();
    int w = image.width();
    // top-left corner of the crop, in input coordinates (may be negative: inside the padding)
    int oy = random.nextInt(h + 2 * padding - height + 1) - padding;
    int ox = random.nextInt(w + 2 * padding - width + 1) - padding;
    float[] src = image.data();
    float[] dst = image.scratch(c * height * width);
    int o = 0;
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < height; y++) {
        int sy = oy + y;
        boolean rowInside = sy >= 0 && sy < h;
        int row = (ch * h + sy) * w;
        for (int x = 0; x < width; x++) {
          int sx = ox + x;
          dst[o++] = rowInside && sx >= 0 && sx < w ? src[row + sx] : 0f;
        }
      }
    }
    image.swap(c, height, width);
  }

  @Override
  public String toString() {
    return "RandomCrop[" + height + "x" + width + ", padding " + padding + "]";
  }
}
