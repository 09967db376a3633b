package dev.topiary.pipeline.job;

/** Small range checks that add a problem at a path. */
final class Checks {
  private Checks() {}

  static void atLeast(long value, long min, String path, Problems p) {
    if (value < min) {
      p.add(path, "must be >= " + min + ", got " + value);
    }
  }

  /** A fraction strictly between 0 and 1: rates of 1 would empty a layer. */
  static void openUnit(double value, String path, Problems p) {
    if (!(value > 0 && value < 1)) {
      p.add(path, "must be in (0, 1), got " + value);
    }
  }
}
