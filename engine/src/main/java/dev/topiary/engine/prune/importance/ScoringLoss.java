package dev.topiary.engine.prune.importance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.train.ClassificationMetrics;

/**
 * The loss a gradient criterion (Taylor) differentiates: the model's outputs and the batch in, a
 * scalar out, summed over the batch's images (not averaged), so that each image's gradient is that
 * of its own loss whatever the batch size. Classifiers use {@link #CROSS_ENTROPY}; detectors give
 * YOLOv5's loss (see {@code dev.topiary.engine.detect.DetectionScoring}).
 */
@FunctionalInterface
public interface ScoringLoss {
  /**
   * @param outputs the graph's outputs for the batch, in training-mode autograd
   * @param batch the batch as the data gave it: images first, then its labels or targets
   * @param manager where temporaries live (the step's manager)
   */
  NDArray loss(NDList outputs, NDList batch, NDManager manager);

  /** Softmax cross-entropy of one logits output against integer labels, times the batch size. */
  ScoringLoss CROSS_ENTROPY = (outputs, batch, manager) -> {
    NDArray logits = outputs.singletonOrThrow();
    return ClassificationMetrics.crossEntropy(logits, batch.get(1)).mul(batch.get(0).getShape().get(0));
  };

  /** Whether this is the classifier's loss, which needs one output of class logits. */
  default boolean needsClassifier() {
    return this == CROSS_ENTROPY;
  }
}
