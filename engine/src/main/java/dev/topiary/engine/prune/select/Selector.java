package dev.topiary.engine.prune.select;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.Map;

/** A way of choosing the units to remove. Implementations are immutable and reusable. */
@FunctionalInterface
public interface Selector {
  /**
   * Plans the removals for a graph.
   *
   * @param deps the channel groups of the graph to prune
   * @param scores importance per unit (higher = more important), keyed by group id; one value per
   *     unit of the group
   * @throws InvalidPruningConfigException when the request does not fit the graph (wrong number of
   *     rates, unknown names, a layer that would be emptied, missing or malformed scores)
   */
  PruningPlan plan(DependencyGraph deps, Map<Integer, float[]> scores);
}
