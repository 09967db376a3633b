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
 * @param trainLoss mean cross-entropy over the epoch's training samples
 * @param trainAccuracy top-1 fraction over the epoch's training samples
 * @param valLoss validation mean cross-entropy; null when the step does not validate
 * @param valAccuracy validation top-1 fraction; null when the step does not validate
 * @param learningRate the learning rate of the epoch
 * @param sparsity the mask sparsity during the epoch (gradual pruning); null when dense
 */
public record EpochTuned(
    String jobId, int stepIndex, int attempt, Instant occurredAt, ArtifactRef plan, Artifacts artifacts,
    int epoch, int epochs, double trainLoss, double trainAccuracy, @Nullable Double valLoss, @Nullable Double valAccuracy,
    double learningRate, @Nullable Double sparsity) implements StepEvent {

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
    Checks.fraction(trainAccuracy, "trainAccuracy");
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
  }

  /** Whether this is the step's last epoch, the one that ends the step. */
  public boolean endsStep() {
    return epoch == epochs;
  }
}
