package dev.topiary.pipeline.job;

import dev.topiary.engine.workflow.FitSettings;

/**
 * Training or fine-tuning settings: epochs, SGD, learning-rate schedule. Immutable.
 *
 * @param epochs epochs to run; 0 skips the step (not allowed for the baseline)
 * @param optimizer the optimizer, {@link OptimizerSpec#DEFAULT} when not given
 * @param lrSchedule the learning-rate schedule, {@link LrScheduleSpec#DEFAULT} (cosine) when not given
 */
public record FitSpec(Integer epochs, OptimizerSpec optimizer, LrScheduleSpec lrSchedule) {

  /** The engine's settings; throws as {@link FitSettings} does on values a validated spec never has. */
  public FitSettings toFitSettings(long seed) {
    return new FitSettings(epochs, optimizer.lr(), optimizer.momentum(), optimizer.nesterov(), optimizer.weightDecay(),
        lrSchedule.engineForm(), seed);
  }
}
