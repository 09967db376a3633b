package dev.topiary.pipeline.job;

import java.util.Collections;
import java.util.List;

/** Copies for record components: unmodifiable, null kept as null (a missing field), null elements kept. */
final class Lists {
  private Lists() {}

  static <T> List<T> copy(List<T> list) {
    return list == null ? null : Collections.unmodifiableList(new java.util.ArrayList<>(list));
  }
}
