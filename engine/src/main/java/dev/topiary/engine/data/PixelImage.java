package dev.topiary.engine.data;

/**
 * One decoded image: uint8 pixels in CHW order ({@code channels} planes of {@code height × width}).
 * A value holder passed from the decoder to the fused crop-resize; the array is not copied.
 */
record PixelImage(byte[] pixels, int channels, int height, int width) {
  PixelImage {
    if (pixels.length != channels * height * width) {
      throw new IllegalArgumentException(
          "pixels: " + pixels.length + " bytes for " + channels + "x" + height + "x" + width);
    }
  }
}
