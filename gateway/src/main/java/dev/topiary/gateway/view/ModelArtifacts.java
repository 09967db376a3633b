package dev.topiary.gateway.view;

import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.store.ModelRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The model each step of one job ended with, from its events: the submission's (step 0: an
 * uploaded or imported model, or a zoo graph given with weights) and that of every step whose
 * completion event carries one (a later attempt's replaces an earlier one's). Stages copy the model
 * they received when they do not change it, so the listing keeps a step only when its model
 * differs from the one before: the models the job produced. Not thread-safe: {@link JobState}
 * guards it.
 */
final class ModelArtifacts {
  /** Step 0's stage and kind: the submission. */
  static final String SUBMIT = "submit";

  private record Recorded(int attempt, ModelRef model) {}

  private final TreeMap<Integer, Recorded> byStep = new TreeMap<>();

  void record(int step, int attempt, ModelRef model) {
    if (model != null) {
      byStep.merge(step, new Recorded(attempt, model), (a, b) -> b.attempt() >= a.attempt() ? b : a);
    }
  }

  /** The models the job produced, by step. */
  List<ModelArtifact> list(JobPlan plan) {
    List<ModelArtifact> out = new ArrayList<>();
    ModelRef previous = null;
    for (Map.Entry<Integer, Recorded> e : byStep.entrySet()) {
      ModelRef m = e.getValue().model();
      if (!m.equals(previous)) {
        out.add(entry(e.getKey(), m, plan));
      }
      previous = m;
    }
    return out;
  }

  /** The model step {@code step} ended with, whether it produced it or passed it on; empty for a step without one. */
  Optional<ModelArtifact> at(int step, JobPlan plan) {
    Recorded r = byStep.get(step);
    return r == null ? Optional.empty() : Optional.of(entry(step, r.model(), plan));
  }

  private static ModelArtifact entry(int step, ModelRef m, JobPlan plan) {
    PlanStep s = step == 0 || plan == null || step > plan.steps().size() ? null : plan.step(step);
    String stage = step == 0 ? SUBMIT : s == null ? null : s.stage().id();
    String kind = step == 0 ? SUBMIT : s == null ? null : s.kind().id();
    return new ModelArtifact(step, stage, kind, m.graph(), m.weights(), m.history());
  }
}
