package dev.topiary.engine.data;

import java.util.SplittableRandom;

/**
 * Copies a single-channel image into {@code channels} identical channels, so grayscale data feeds
 * an RGB model. An input that already has {@code channels} channels passes through unchanged, so
 * one pipeline serves grayscale and colour datasets; any other channel count is rejected.
 */
public final class ReplicateChannels implements SampleTransform {
  private final int channels;

  public ReplicateChannels(int channels) {
    if (channels <= 0) {
      throw new IllegalArgumentException("channels: must be positive, got " + channels);
    }
    this.channels = channels;
  }

  @Override
  public ImageShape outputShape(ImageShape input) {
    if (input.channels() != 1 && input.channels() != channels) {
      throw new IllegalArgumentException(
          "channels: can only replicate 1 channel to " + channels + ", input is " + input);
    }
    return new ImageShape(channels, input.height(), input.width());
  }

  @Override
  public void apply(FloatImage image, SplittableRandom random) {
    if (image.channels() == channels) {
      return;
    }
    outputShape(image.shape());
    int plane = image.height() * image.width();
    float[] dst = image.scratch(channels * plane);
    for (int ch = 0; ch < channels; ch++) {
      System.arraycopy(image.data(), 0, dst, ch * plane, plane);
    }
    image.swap(channels, image.height(), image.width());
  }

  @Override
  public String toString() {
    return "ReplicateChannels[" + channels + "]";
  }
}
