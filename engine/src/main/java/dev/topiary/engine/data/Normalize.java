package dev.topiary.engine.data;

import java.util.SplittableRandom;

/**
 * Per-channel normalization {@code (x - mean[c]) / std[c]}, in place. The number of means and
 * standard deviations must equal the channel count of the images it meets (checked by {@link
 * #outputShape}, so a loader rejects a mismatch before its first batch).
 */
public final class Normalize implements SampleTransform {
  private final float[] mean;
  private final float[] std;

  public Normalize(float[] mean, float[] std) {
    if (mean == null || mean.length == 0) {
      throw new IllegalArgumentException("mean: at least one value is required");
    }
    if (std == null || std.length != mean.length) {
      throw new IllegalArgumentException(
          "std: expected " + mean.length + " values (one per mean), got "
              + (std == null ? "none" : std.length));
    }
    for (int c = 0; c < std.length; c++) {
      if (!(std[c] > 0) || !Float.isFinite(std[c])) {
        throw new IllegalArgumentException("std[" + c + "]: must be positive and finite, got " + std[c]);
      }
      if (!Float.isFinite(mean[c])) {
        throw new IllegalArgumentException("mean[" + c + "]: must be finite, got " + mean[c]);
      }
    }
    this.mean = mean.clone();
    this.std = std.clone();
  }

  @Override
  public ImageShape outputShape(ImageShape input) {
    if (input.channels() != mean.length) {
      throw new IllegalArgumentException(
          "mean, std: " + mean.length + " values but the image has " + input.channels() + " channels");
    }
    return input;
  }

  @Override
  public void apply(FloatImage image, SplittableRandom random) {
    outputShape(image.shape());
    float[] data = image.data();
    int plane = image.height() * image.width();
    for (int c = 0; c < mean.length; c++) {
      float m = mean[c];
      float inv = 1f / std[c];
      for (int k = c * plane, end = k + plane; k < end; k++) {
        data[k] = (data[k] - m) * inv;
      }
    }
  }

  @Override
  public String toString() {
    return "Normalize[" + mean.length + " channels]";
  }
}
