package dev.topiary.engine.detect;

import java.nio.file.Path;

/**
 * Converts a decoded picture to the model's channel count: grey is replicated to every channel,
 * RGB becomes ITU-R 601 luma for one channel (the rule of the {@code data} package's decoder).
 */
final class ChannelFit {
  private ChannelFit() {}

  static DetectionImage fit(DetectionImage img, int channels, Path file) {
    int have = img.channels();
    if (have == channels) {
      return img;
    }
    int plane = img.height() * img.width();
    byte[] src = img.chw();
    byte[] out = new byte[channels * plane];
    if (have == 1) {
      for (int c = 0; c < channels; c++) {
        System.arraycopy(src, 0, out, c * plane, plane);
      }
    } else if (have == 3 && channels == 1) {
      for (int p = 0; p < plane; p++) {
        out[p] = (byte) Math.round(0.299f * (src[p] & 0xFF) + 0.587f * (src[plane + p] & 0xFF) + 0.114f * (src[2 * plane + p] & 0xFF));
      }
    } else {
      throw new IllegalArgumentException("channels: " + channels + " input channels cannot be made from the "
          + have + "-channel picture " + file + " (only grey pictures are replicated)");
    }
    return new DetectionImage(out, channels, img.height(), img.width(), img.objects());
  }
}
