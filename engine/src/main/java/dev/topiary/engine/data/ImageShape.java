package dev.topiary.engine.data;

/** The shape of one image sample in channels-first order: {@code channels × height × width}. */
public record ImageShape(int channels, int height, int width) {
  public ImageShape {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "shape: channels, height and width must be positive, got " + channels + "x" + height + "x" + width);
    }
  }

  /** Number of values in one sample, {@code channels * height * width}. */
  public int size() {
    return channels * height * width;
  }

  /** Number of values in one channel plane, {@code height * width}. */
  public int planeSize() {
    return height * width;
  }

  @Override
  public String toString() {
    return channels + "x" + height + "x" + width;
  }
}
