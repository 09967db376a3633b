package dev.topiary.engine.detect;

/**
 * One epoch of detector training: the mean box, objectness and class losses over the epoch's
 * batches (YOLOv5's {@code mloss}), the learning rate at its end, and the validation of the EMA
 * weights (NaN without validation data), with the epoch's training throughput and wall time.
 */
public record DetectionEpochResult(int epoch, double boxLoss, double objLoss, double clsLoss, double lr,
    double precision, double recall, double map50, double map5095, double imagesPerSecond, double wallSeconds, int skippedSteps) {

  public double loss() {
    return boxLoss + objLoss + clsLoss;
  }
}
