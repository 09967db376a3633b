package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.train.TrainingProgress;

/** Follows a schedule as it runs: each pruning step, each epoch of (fine-)tuning, and the steps within an epoch. */
public interface ScheduleListener {
  /** A listener that ignores everything. */
  ScheduleListener NONE = new ScheduleListener() {};

  default void stepDone(ScheduleStep step) {}

  /**
   * @param phase what the epoch belongs to, e.g. {@code finetune 3/13} or {@code sparsity-train}
   */
  default void epochDone(String phase, EpochResult epoch) {}

  /**
   * What follows the training steps of a phase ({@code finetune}, {@code sparsity-train}, {@code gradual}, ...);
   * asked once per phase, before it trains.
   */
  default TrainingProgress progress(String phase) {
    return TrainingProgress.NONE;
  }
}
