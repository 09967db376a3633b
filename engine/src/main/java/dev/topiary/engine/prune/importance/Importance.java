package dev.topiary.engine.prune.importance;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;

/**
 * A channel-importance criterion. Scores every prunable group of a model in one call, so that a
 * data-driven criterion makes one pass over the data for all groups. Implementations are immutable
 * and keep no state between calls.
 */
public interface Importance {

  /** The name the criterion goes by in {@link Importances} and in reports. */
  String name();

  /** Whether {@link #score} needs data (a {@link ScoringData}). */
  boolean needsData();

  /**
   * Scores every prunable group of {@code deps}: one float per unit, higher = more important.
   *
   * @param deps the dependency graph of {@code model.graph()}
   * @param dataOrNull the data to measure with; may be null for criteria that need none
   * @throws dev.topiary.engine.InvalidPruningConfigException when the criterion needs data and none
   *     is given, naming the criterion
   * @throws IllegalArgumentException when {@code deps} was built for another graph
   */
  GroupScores score(Model model, DependencyGraph deps, ScoringData dataOrNull);
}
