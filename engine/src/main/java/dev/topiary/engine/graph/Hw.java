package dev.topiary.engine.graph;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A height/width pair (kernel size, stride, padding, dilation); JSON form {@code [h, w]}. */
public record Hw(int h, int w) {
  /** The same value for both axes. */
  public static Hw square(int v) {
    return new Hw(v, v);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Hw fromArray(int[] hw) {
    if (hw == null || hw.length != 2) {
      throw new IllegalArgumentException("expected [h, w], got " + java.util.Arrays.toString(hw));
    }
    return new Hw(hw[0], hw[1]);
  }

  @JsonValue
  public int[] toArray() {
    return new int[] {h, w};
  }

  boolean isSquare() {
    return h == w;
  }

  void requireAtLeast(int min, String field) {
    if (h < min || w < min) {
      throw new IllegalArgumentException(field + " " + this + " must be at least " + min);
    }
  }

  @Override
  public String toString() {
    return "[" + h + ", " + w + "]";
  }
}
