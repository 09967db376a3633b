package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.prune.select.Selector;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.FitSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HRank's schedule: the selector plans every group once on the original model (from scores taken
 * once, as HRank generates its ranks once); then the groups are pruned one at a time in layer
 * order, each followed by {@code perStep} fine-tuning, and a final fine-tune closes the run.
 * Pruning one group never renumbers another group's units, so the plan's entries stay valid as
 * the model shrinks.
 */
public record LayerByLayer(Scorer scorer, Selector selector, FitSettings perStep, FitSettings finalTune) implements PruningSchedule {
  @Override
  public ScheduleResult run(Model model, DataSpec.Loaders data, ScheduleListener listener) {
    DependencyGraph deps = DependencyGraph.of(model.graph());
    PruningPlan plan = selector.plan(deps, scorer.score(model, deps));
    List<ScheduleStep> steps = new ArrayList<>();
    List<EpochResult> epochs = new ArrayList<>();
    Model current = model;
    List<PruningPlan.Entry> todo = plan.entries().stream().filter(e -> e.removed().length > 0).toList();
    for (int i = 0; i < todo.size(); i++) {
      PruningPlan.Entry e = todo.get(i);
      DependencyGraph now = DependencyGraph.of(current.graph());
      PruningPlan one = PruningPlan.of(now, Map.of(e.groupId(), e.removed()),
          "group " + e.groupName() + ": " + e.units() + " -> " + e.kept());
      current = Tuning.apply(current, one, steps, listener);
      current = Tuning.tune(current, data, perStep, "finetune " + (i + 1) + "/" + todo.size(), epochs, listener);
    }
    current = Tuning.tune(current, data, finalTune, "final finetune", epochs, listener);
    return new ScheduleResult(current, steps, epochs, null);
  }
}
