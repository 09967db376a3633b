package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.Map;

/** Scores the units of every prunable group of a model (higher is more important), by group id. */
@FunctionalInterface
public interface Scorer {
  Map<Integer, float[]> score(Model model, DependencyGraph deps);
}
