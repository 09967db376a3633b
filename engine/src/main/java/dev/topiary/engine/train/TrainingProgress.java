package dev.topiary.engine.train;

/**
 * Follows a training run within its epochs: called on the training thread after every step, so an
 * implementation must be quick (a progress line redraws at most a few times a second). Epochs count
 * from 0, as everywhere in training.
 */
@FunctionalInterface
public interface TrainingProgress {
  /** Ignores every step. */
  TrainingProgress NONE = (epoch, epochs, images, imagesPerEpoch) -> {};

  /**
   * @param epoch the epoch being trained (0-based)
   * @param epochs the run's epochs in all
   * @param images images trained so far in this epoch, this step's included
   * @param imagesPerEpoch images in one epoch; 0 when unknown
   */
  void stepped(int epoch, int epochs, long images, long imagesPerEpoch);
}
