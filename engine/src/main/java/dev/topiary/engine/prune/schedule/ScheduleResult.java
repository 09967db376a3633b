package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.EpochResult;
import java.util.List;

/**
 * What a schedule produced: the pruned (and fine-tuned) model, its steps and every epoch run.
 *
 * @param masks for mask-based schedules, the final masks (else null): the model's zeros are kept
 *     by them through any later fine-tuning
 */
public record ScheduleResult(Model model, List<ScheduleStep> steps, List<EpochResult> epochs,
    dev.topiary.engine.prune.sparse.SparsityMask masks) {
  public ScheduleResult {
    steps = List.copyOf(steps);
    epochs = List.copyOf(epochs);
  }
}
