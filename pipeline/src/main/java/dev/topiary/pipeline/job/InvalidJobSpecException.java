package dev.topiary.pipeline.job;

import java.util.List;
import java.util.stream.Collectors;

/** A job spec with problems; the message lists all of them, one per line. */
public class InvalidJobSpecException extends IllegalArgumentException {
  private final List<SpecProblem> problems;

  public InvalidJobSpecException(List<SpecProblem> problems) {
    super("invalid job spec (" + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an invalid spec has at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in document order as far as possible. */
  public List<SpecProblem> problems() {
    return problems;
  }
}
