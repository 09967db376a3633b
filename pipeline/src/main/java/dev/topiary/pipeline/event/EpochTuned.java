package dev.topiary.pipeline.event;

import dev.topiary.pipeline.store.ArtifactRef;
import java.time.Instant;

/**
 * The fine-tune stage finished one epoch of a step (fine-tuning, baseline training, sparsity
 * training or gradual pruning). The event of the last epoch ({@code epoch == epochs}) ends the
 * step and carries the trained model in {@code artifacts.model} (required). The others report
 * progress and carry the step's input artifacts, which have no model when the step trains a
 * baseline from scratch; a restarted step resumes from the stage's epoch checkpoint in the store,
 * not from an event.
 *
 * @param epoch the epoch just done, from 1
 * @param epochs the step's epochs
 * <p><b>Detection</b> (an additive change, schema version 1 kept): a detector's epoch carries
 * YOLOv5's three loss parts and the validation mAP of the weights it keeps (the EMA), and no
 * accuracy: {@code trainLoss} is {@code boxLoss + objLoss + clsLoss}, {@code trainAccuracy},
 * {@code valLoss} and {@code valAccuracy} are absent. A classification epoch is written as before.
 *
 * @param trainLoss mean cross-entropy over the epoch's training samples; a detector's mean box +
 *     objectness + class loss (YOLOv5's {@code mloss} summed)
 * @param trainAccuracy top-1 fraction over the epoch's training samples; null for a detector (it has none)
 * @param valLoss validation mean cross-entropy; null when the step does not validate
 * @param valAccuracy validation top-1 fraction; null when the step does not validate
 * @param learningRate the learning rate of the epoch
 * @param sparsity the mask sparsity during the epoch (gradual pruning); null when dense
 * @param boxLoss detection: mean CIoU box loss over the epoch's batches; null for classification
 * @param objLoss detection: mean objectness loss; null for classification
 * @param clsLoss detection: mean class loss; null for classification
 * @param map50 detection: validation mAP@0.5 after the epoch; null for classification or without validation
 * @param map5095 detection: validation mAP@0.5:0.95 after the epoch; null as {@code map50}
 */
public record EpochTuned(
    String jobId, int stepIndex, int attempt, Instant occurredAt, ArtifactRef plan, Artifacts artifacts,
    int epoch, int epochs, double trainLoss, @Nullable Double trainAccuracy, @Nullable Double valLoss, @Nullable Double valAccuracy,
    double learningRate, @Nullable Double sparsity, @Nullable Double boxLoss, @Nullable Double objLoss, @Nullable Double clsLoss,
    @Nullable Double map50, @Nullable Double map5095) implements StepEvent {

  /** A classification epoch. */
  public EpochTuned(String jobId, int stepIndex, int attempt, Instant occurredAt, ArtifactRef plan, Artifacts artifacts,
      int epoch, int epochs, double trainLoss, double trainAccuracy, Double valLoss, Double valAccuracy, double learningRate,
      Double sparsity) {
    this(jobId, stepIndex, attempt, occurredAt, plan, artifacts, epoch, epochs, trainLoss, Double.valueOf(trainAccuracy), valLoss, valAccuracy,
        learningRate, sparsity, null, null, null, null, null);
  }

  /** A detector's epoch: the loss parts and the validation mAP (null without validation); {@code trainLoss} is their sum. */
  public static EpochTuned detection(String jobId, int stepIndex, int attempt, Instant occurredAt, ArtifactRef plan, Artifacts artifacts,
      int epoch, int epochs, double boxLoss, double objLoss, double clsLoss, Double map50, Double map5095, double learningRate) {
    return new EpochTuned(jobId, stepIndex, attempt, occurredAt, plan, artifacts, epoch, epochs, boxLoss + objLoss + clsLoss, null, null,
        null, learningRate, null, boxLoss, objLoss, clsLoss, map50, map5095);
  }

  public EpochTuned {
    Checks.header(jobId, stepIndex, attempt, occurredAt);
    Checks.step(plan, artifacts, epoch == epochs);
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs: must be >= 1, got " + epochs);
    }
    if (epoch < 1 || epoch > epochs) {
      throw new IllegalArgumentException("epoch: must be in [1, epochs = " + epochs + "], got " + epoch);
    }
    Checks.finite(trainLoss, "trainLoss");
    if (trainAccuracy != null) {
      Checks.fraction(trainAccuracy, "trainAccuracy");
    }
    if (valLoss != null) {
      Checks.finite(valLoss, "valLoss");
    }
    if (valAccuracy != null) {
      Checks.fraction(valAccuracy, "valAccuracy");
    }
    if (!(learningRate >= 0 && Double.isFinite(learningRate))) {
      throw new IllegalArgumentException("learningRate: must be >= 0, got " + learningRate);
    }
    if (sparsity != null) {
      Checks.fraction(sparsity, "sparsity");
    }
    lossPart(boxLoss, "boxLoss");
    lossPart(objLoss, "objLoss");
    lossPart(clsLoss, "clsLoss");
    if (map50 != null) {
      Checks.fraction(map50, "map50");
    }
    if (map5095 != null) {
      Checks.fraction(map5095, "map5095");
    }
  }

  private static void lossPart(Double v, String field) {
    if (v != null && !(v >= 0 && Double.isFinite(v))) {
      throw new IllegalArgumentException(field + ": must be a finite number >= 0, got " + v);
    }
  }

  /** Whether a detector trained in this epoch (it carries the loss parts). */
  public boolean detects() {
    return boxLoss != null;
  }

  /** Whether this is the step's last epoch, the one that ends the step. */
  public boolean endsStep() {
    return epoch == epochs;
  }
}
