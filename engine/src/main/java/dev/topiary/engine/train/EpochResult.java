package dev.topiary.engine.train;

/**
 * What one epoch of a {@link TrainingRun} measured. Train loss and accuracy are over the epoch's
 * training-mode forward passes (as torch training scripts report them); validation figures are
 * {@code NaN} when the run has no validation data.
 *
 * @param epoch the epoch, 0-based
 * @param trainLoss mean cross-entropy over the epoch's training samples
 * @param trainAccuracy top-1 fraction over the epoch's training samples
 * @param valLoss validation mean cross-entropy, or NaN
 * @param valAccuracy validation top-1 fraction, or NaN
 * @param lr the learning rate used throughout the epoch
 * @param imagesPerSecond training samples over training time (validation and checkpoint excluded)
 * @param wallSeconds the whole epoch, validation and checkpoint included
 */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy, double lr, double imagesPerSecond, double wallSeconds) {

  public boolean validated() {
    return !Double.isNaN(valLoss);
  }
}
