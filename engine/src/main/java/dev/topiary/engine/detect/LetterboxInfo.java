package dev.topiary.engine.detect;

/**
 * How {@link Letterbox} placed a picture in the square input: input = original × {@code ratio} +
 * ({@code padX}, {@code padY}). {@code padX}/{@code padY} are the whole pixels of grey left of and
 * above the resized picture, so the mapping agrees with the pixels exactly (YOLOv5 keeps the
 * fractional half of the padding, up to half a pixel off its own pixels).
 */
public record LetterboxInfo(float ratio, float padX, float padY, int originalWidth, int originalHeight) {
  public LetterboxInfo {
    if (!(ratio > 0) || Float.isInfinite(ratio)) {
      throw new IllegalArgumentException("ratio: must be positive and finite, got " + ratio);
    }
    if (originalWidth < 1 || originalHeight < 1) {
      throw new IllegalArgumentException("original size: must be positive, got " + originalWidth + "x" + originalHeight);
    }
  }

  /** A box of the original picture in input pixels. */
  public GroundTruth toInput(GroundTruth g) {
    return new GroundTruth(g.cls(), g.x1() * ratio + padX, g.y1() * ratio + padY,
        g.x2() * ratio + padX, g.y2() * ratio + padY);
  }

  /** A detection on the input in pixels of the original picture, clipped to it (YOLOv5's scale_boxes). */
  public Detection toOriginal(Detection d) {
    return new Detection(
        clip((d.x1() - padX) / ratio, originalWidth), clip((d.y1() - padY) / ratio, originalHeight),
        clip((d.x2() - padX) / ratio, originalWidth), clip((d.y2() - padY) / ratio, originalHeight),
        d.conf(), d.cls());
  }

  private static float clip(float v, int max) {
    return Math.max(0, Math.min(max, v));
  }
}
