package dev.topiary.engine.detect;

/** One predicted box: corners in pixels of the image it was predicted on, its confidence and class. */
public record Detection(float x1, float y1, float x2, float y2, float conf, int cls) {
  public float width() {
    return x2 - x1;
  }

  public float height() {
    return y2 - y1;
  }
}
