package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.select.Selector;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.FitSettings;
import java.util.ArrayList;
import java.util.List;

/** Prune once with a selector (L1 one-shot as in NNI), then fine-tune. */
public record OneShot(Scorer scorer, Selector selector, FitSettings finetune) implements PruningSchedule {
  @Override
  public ScheduleResult run(Model model, DataSpec.Loaders data, ScheduleListener listener) {
    List<ScheduleStep> steps = new ArrayList<>();
    List<EpochResult> epochs = new ArrayList<>();
    Model pruned = Tuning.cut(model, scorer, selector, steps, listener);
    Model tuned = Tuning.tune(pruned, data, finetune, "finetune", epochs, listener);
    return new ScheduleResult(tuned, steps, epochs, null);
  }
}
