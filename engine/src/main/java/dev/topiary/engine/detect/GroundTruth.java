package dev.topiary.engine.detect;

/**
 * One labelled object: its class and its corner box in pixels of the image it belongs to
 * ({@code x1 <= x2}, {@code y1 <= y2}).
 */
public record GroundTruth(int cls, float x1, float y1, float x2, float y2) {
  public GroundTruth {
    if (cls < 0) {
      throw new IllegalArgumentException("cls: must be at least 0, got " + cls);
    }
    if (!(x1 <= x2) || !(y1 <= y2)) {
      throw new IllegalArgumentException("box: corners out of order or not finite: (" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + ")");
    }
  }

  public float width() {
    return x2 - x1;
  }

  public float height() {
    return y2 - y1;
  }
}
