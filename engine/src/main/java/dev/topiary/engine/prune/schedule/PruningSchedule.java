package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.workflow.DataSpec;

/**
 * A way of interleaving pruning and fine-tuning: one-shot, layer by layer, static stages, network
 * slimming or gradual sparsity. Runs on a model and fitted data and reports as it goes.
 */
public interface PruningSchedule {
  ScheduleResult run(Model model, DataSpec.Loaders data, ScheduleListener listener);
}
