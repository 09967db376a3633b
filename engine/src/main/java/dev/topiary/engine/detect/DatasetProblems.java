package dev.topiary.engine.detect;

import dev.topiary.engine.InvalidDatasetException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects what is wrong with a dataset while it is opened, so that one
 * {@link InvalidDatasetException} reports every problem at once (the first {@value #SHOWN} of them
 * listed) instead of the user fixing them one run at a time.
 */
final class DatasetProblems {
  static final int SHOWN = 20;

  private final String what;
  private final List<String> problems = new ArrayList<>();

  /** {@code what} names the dataset in the message's first line ("data.yaml, split val"). */
  DatasetProblems(String what) {
    this.what = what;
  }

  /** One problem, already naming its file and line or annotation and the reason. */
  void add(String problem) {
    problems.add(problem);
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  /** Throws if any problem was found. */
  void throwIfAny() {
    if (problems.isEmpty()) {
      return;
    }
    if (problems.size() == 1) {
      throw new InvalidDatasetException(problems.get(0));
    }
    StringBuilder s = new StringBuilder(what).append(": ").append(problems.size()).append(" problems");
    for (int i = 0; i < Math.min(SHOWN, problems.size()); i++) {
      s.append("\n  ").append(problems.get(i));
    }
    if (problems.size() > SHOWN) {
      s.append("\n  and ").append(problems.size() - SHOWN).append(" more");
    }
    throw new InvalidDatasetException(s.toString());
  }
}
