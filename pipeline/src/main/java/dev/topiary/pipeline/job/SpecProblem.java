package dev.topiary.pipeline.job;

/**
 * One thing wrong with a job spec.
 *
 * @param path the field, dotted from the root with list indices, e.g. {@code prune.select.compressRate}
 *     or {@code prune.select.configList[1].sparsity}; empty for the whole document
 * @param message what is wrong and what would be right
 */
public record SpecProblem(String path, String message) {
  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
