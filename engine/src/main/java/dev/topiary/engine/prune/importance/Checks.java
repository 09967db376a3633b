package dev.topiary.engine.prune.importance;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;

/** Argument checks shared by the criteria. */
final class Checks {
  private Checks() {}

  /** @throws IllegalArgumentException when {@code deps} was built for another graph than the model's */
  static void sameGraph(Model model, DependencyGraph deps) {
    if (deps.graph() != model.graph()) {
      throw new IllegalArgumentException("the dependency graph was built for another graph than the model's");
    }
  }

  /** @throws InvalidPruningConfigException naming the criterion when there is no data */
  static ScoringData data(String criterion, ScoringData dataOrNull) {
    if (dataOrNull == null) {
      throw new InvalidPruningConfigException("criterion '" + criterion + "' needs data: give a dataset (ScoringData: "
          + "a data loader and a number of batches) to score with it, or choose a weight criterion (l1, l2, bn-scale, random)");
    }
    return dataOrNull;
  }
}
