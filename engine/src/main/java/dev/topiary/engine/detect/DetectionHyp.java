package dev.topiary.engine.detect;

/**
 * The optimizer side of YOLOv5's hyperparameters ({@code data/hyps/hyp.scratch-low.yaml}): SGD with
 * Nesterov momentum, a learning rate decaying from {@code lr0} to {@code lr0 * lrf} (linear or
 * cosine), and a warm-up over {@code max(warmupEpochs * batches, minWarmupIterations)} iterations
 * in which the bias learning rate falls from {@code warmupBiasLr}, the others rise from 0 and the
 * momentum rises from {@code warmupMomentum}. Gradients are accumulated up to a nominal batch of
 * {@code nominalBatch} images, and weight decay is scaled by {@code batch * accumulate /
 * nominalBatch}, as YOLOv5 does.
 */
public record DetectionHyp(double lr0, double lrf, double momentum, double weightDecay, double warmupEpochs,
    double warmupMomentum, double warmupBiasLr, int minWarmupIterations, int nominalBatch, boolean cosine) {

  public DetectionHyp {
    positive("lr0", lr0);
    positive("lrf", lrf);
    if (!(momentum >= 0 && momentum < 1) || !(warmupMomentum >= 0 && warmupMomentum < 1)) {
      throw new IllegalArgumentException("momentum: must be in [0, 1), got " + momentum + " (warm-up " + warmupMomentum + ")");
    }
    if (!(weightDecay >= 0) || !(warmupEpochs >= 0) || !(warmupBiasLr >= 0) || minWarmupIterations < 0) {
      throw new IllegalArgumentException("weightDecay, warmupEpochs, warmupBiasLr, minWarmupIterations: must be >= 0");
    }
    if (nominalBatch < 1) {
      throw new IllegalArgumentException("nominalBatch: must be at least 1, got " + nominalBatch);
    }
  }

  /** YOLOv5's {@code hyp.scratch-low.yaml} with its linear decay. */
  public static DetectionHyp yolov5() {
    return new DetectionHyp(0.01, 0.01, 0.937, 5e-4, 3.0, 0.8, 0.1, 100, 64, false);
  }

  public DetectionHyp withLr0(double v) {
    return new DetectionHyp(v, lrf, momentum, weightDecay, warmupEpochs, warmupMomentum, warmupBiasLr, minWarmupIterations, nominalBatch, cosine);
  }

  public DetectionHyp withWarmup(double epochs, int minIterations) {
    return new DetectionHyp(lr0, lrf, momentum, weightDecay, epochs, warmupMomentum, warmupBiasLr, minIterations, nominalBatch, cosine);
  }

  /** The nominal batch: gradients are accumulated up to it (64 in YOLOv5; the batch size itself means one step per batch). */
  public DetectionHyp withNominalBatch(int v) {
    return new DetectionHyp(lr0, lrf, momentum, weightDecay, warmupEpochs, warmupMomentum, warmupBiasLr, minWarmupIterations, v, cosine);
  }

  public DetectionHyp withCosine(boolean v) {
    return new DetectionHyp(lr0, lrf, momentum, weightDecay, warmupEpochs, warmupMomentum, warmupBiasLr, minWarmupIterations, nominalBatch, v);
  }

  /** The decay factor {@code lf(epoch)} of YOLOv5's scheduler: 1 at epoch 0, {@code lrf} at the last. */
  public double factor(int epoch, int epochs) {
    double x = (double) epoch / epochs;
    return cosine ? ((1 - Math.cos(x * Math.PI)) / 2) * (lrf - 1) + 1 : (1 - x) * (1.0 - lrf) + lrf;
  }

  /** Images per optimizer step over the batch size, at least 1. */
  public int accumulate(int batchSize) {
    return Math.max((int) Math.round((double) nominalBatch / batchSize), 1);
  }

  /** The weight decay scaled to the accumulated batch. */
  public double scaledWeightDecay(int batchSize) {
    return weightDecay * batchSize * accumulate(batchSize) / nominalBatch;
  }

  /** Warm-up iterations for {@code batches} per epoch; 0 when there is no warm-up. */
  public int warmupIterations(int batches) {
    return warmupEpochs == 0 ? 0 : Math.max((int) Math.round(warmupEpochs * batches), minWarmupIterations);
  }

  private static void positive(String field, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(field + ": must be positive and finite, got " + v);
    }
  }
}
