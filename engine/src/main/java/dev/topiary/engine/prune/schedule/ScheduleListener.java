package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.train.EpochResult;

/** Follows a schedule as it runs: each pruning step and each epoch of (fine-)tuning. */
public interface ScheduleListener {
  /** A listener that ignores everything. */
  ScheduleListener NONE = new ScheduleListener() {};

  default void stepDone(ScheduleStep step) {}

  /**
   * @param phase what the epoch belongs to, e.g. {@code finetune 3/13} or {@code sparsity-train}
   */
  default void epochDone(String phase, EpochResult epoch) {}
}
