package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.prune.select.Selector;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.FitSettings;
import dev.topiary.engine.workflow.Fitter;
import java.util.List;

/** The steps that every channel schedule shares: plan and cut, and fine-tune with reporting. */
final class Tuning {
  private Tuning() {}

  /** Scores the model, plans with the selector, applies the plan and reports the step. */
  static Model cut(Model model, Scorer scorer, Selector selector, List<ScheduleStep> steps, ScheduleListener listener) {
    DependencyGraph deps = DependencyGraph.of(model.graph());
    PruningPlan plan = selector.plan(deps, scorer.score(model, deps));
    return apply(model, plan, steps, listener);
  }

  static Model apply(Model model, PruningPlan plan, List<ScheduleStep> steps, ScheduleListener listener) {
    Model pruned = plan.apply(model);
    ScheduleStep s = new ScheduleStep(steps.size(), plan.description(), plan.removedUnits(), pruned.graph().macs(), pruned.graph().parameterCount());
    steps.add(s);
    listener.stepDone(s);
    return pruned;
  }

  /** Fine-tunes when the settings ask for epochs; reports each epoch under {@code phase}. */
  static Model tune(Model model, DataSpec.Loaders data, FitSettings settings, String phase, List<EpochResult> epochs, ScheduleListener listener) {
    if (settings == null || settings.epochs() == 0) {
      return model;
    }
    Fitter.Outcome o = Fitter.fit(model, data, settings, r -> {
      epochs.add(r);
      listener.epochDone(phase, r);
    }, listener.progress(phase));
    return o.model();
  }
}
