package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.importance.GroupScores;
import dev.topiary.engine.prune.importance.Importance;
import dev.topiary.engine.prune.importance.ScoringData;
import java.util.HashMap;
import java.util.Map;

/** Scores the units of every prunable group of a model (higher is more important), by group id. */
@FunctionalInterface
public interface Scorer {
  Map<Integer, float[]> score(Model model, DependencyGraph deps);

  /** A scorer running an importance criterion, with data when the criterion needs it (else null). */
  static Scorer of(Importance importance, ScoringData data) {
    return (model, deps) -> {
      GroupScores s = importance.score(model, deps, data);
      Map<Integer, float[]> out = new HashMap<>();
      for (int id : s.groupIds()) {
        out.put(id, s.scores(id));
      }
      return out;
    };
  }
}
