package dev.topiary.engine.detect;

import java.util.List;

/**
 * One picture of a detection dataset: uint8 pixels in CHW order ({@code channels} planes of
 * {@code height × width}) and its labelled objects as corner boxes in pixels of this picture.
 * The pixel array is not copied (a value handed from a decoder to letterbox and augmentation, each
 * of which makes a new one); the object list is.
 */
public record DetectionImage(byte[] chw, int channels, int height, int width, List<GroundTruth> objects) {
  public DetectionImage {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("shape: channels, height and width must be positive, got "
          + channels + "x" + height + "x" + width);
    }
    if (chw.length != channels * height * width) {
      throw new IllegalArgumentException("chw: " + chw.length + " bytes for " + channels + "x" + height + "x" + width);
    }
    objects = List.copyOf(objects);
  }

  /** The pixel at {@code (c, y, x)} as 0..255. */
  public int pixel(int c, int y, int x) {
    return chw[(c * height + y) * width + x] & 0xFF;
  }
}
