package dev.topiary.engine.data;

import java.util.Locale;

/** Which half of a dataset distributed as a train/test pair to read. */
public enum Split {
  TRAIN,
  TEST;

  /** Parses {@code "train"} or {@code "test"} (any case). */
  public static Split of(String name) {
    if (name != null) {
      switch (name.toLowerCase(Locale.ROOT)) {
        case "train":
          return TRAIN;
        case "test":
          return TEST;
        default:
          break;
      }
    }
    throw new IllegalArgumentException("split: expected \"train\" or \"test\", got " + name);
  }
}
