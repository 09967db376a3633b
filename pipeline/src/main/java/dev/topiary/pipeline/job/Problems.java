package dev.topiary.pipeline.job;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects spec problems, at most one per path: the first wins, so that a field the reader could
 * not read is not reported again as missing by the validator.
 */
final class Problems {
  private final List<SpecProblem> list = new ArrayList<>();

  void add(String path, String message) {
    if (!has(path)) {
      list.add(new SpecProblem(path, message));
    }
  }

  boolean has(String path) {
    return list.stream().anyMatch(p -> p.path().equals(path));
  }

  /** Whether a problem lies at this path or below it. */
  boolean hasUnder(String path) {
    return list.stream().anyMatch(p -> p.path().equals(path) || p.path().startsWith(path + ".") || p.path().startsWith(path + "["));
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  List<SpecProblem> list() {
    return List.copyOf(list);
  }
}
