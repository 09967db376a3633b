package dev.topiary.pipeline.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The argument checks the event records share; each message starts with the field's name. */
final class Checks {
  private Checks() {}

  /** The fields every event carries. */
  static void header(String jobId, int stepIndex, int attempt, Instant occurredAt) {
    JobIds.check(jobId);
    if (stepIndex < 0) {
      throw new IllegalArgumentException("stepIndex: must be >= 0, got " + stepIndex);
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt: must be >= 1, got " + attempt);
    }
    required(occurredAt, "occurredAt");
  }

  /** The fields every step event carries besides the header. */
  static void step(Object plan, Artifacts artifacts, boolean needsModel) {
    required(plan, "plan");
    required(artifacts, "artifacts");
    if (needsModel && artifacts.model() == null) {
      throw new IllegalArgumentException("artifacts.model: required after a step has run");
    }
  }

  static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + ": required");
    }
    return value;
  }

  static String text(String value, String field) {
    if (required(value, field).isBlank()) {
      throw new IllegalArgumentException(field + ": must not be blank");
    }
    return value;
  }

  static long nonNegative(long value, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(field + ": must be >= 0, got " + value);
    }
    return value;
  }

  static double fraction(double value, String field) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(field + ": must be in [0, 1], got " + value);
    }
    return value;
  }

  static double finite(double value, String field) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(field + ": must be a finite number, got " + value);
    }
    return value;
  }

  static <T> List<T> list(List<T> value, String field) {
    List<T> copy = List.copyOf(required(value, field)); // throws on null elements
    copy.forEach(e -> Objects.requireNonNull(e, field));
    return copy;
  }
}
