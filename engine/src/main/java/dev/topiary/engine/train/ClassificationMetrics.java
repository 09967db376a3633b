package dev.topiary.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Accumulates cross-entropy, top-1 and top-5 over batches of logits {@code [B, K]} and integer labels
 * {@code [B]}. The running sums stay on the device (no host sync per batch) in a sub-manager that
 * {@link #close} frees; per-batch temporaries live in the logits' manager. Top-5 is counted only
 * when {@code K >= 5}. Not thread-safe.
 */
public final class ClassificationMetrics implements AutoCloseable {
  private static final int TOP_K = 5;
  private final NDManager manager;
  private NDArray lossSum;
  private NDArray top1;
  private NDArray top5;
  private long samples;
  private boolean countsTop5 = true;

  public ClassificationMetrics(NDManager parent) {
    this.manager = parent.newSubManager();
  }

  /**
   * Mean softmax cross-entropy of {@code logits} against integer {@code labels}, equal to torch's
   * {@code CrossEntropyLoss()} (mean reduction); autograd-tracked when called under a collector.
   */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    NDArray logProbabilities = logits.logSoftmax(1);
    NDArray picked = logProbabilities.get(new NDIndex().addAllDim().addPickDim(asIndices(labels)));
    return picked.mean().neg();
  }

  /** Adds a batch, computing its loss. */
  public void add(NDArray logits, NDArray labels) {
    add(logits, labels, crossEntropy(logits, labels));
  }

  /** Adds a batch whose mean loss is already known (the training step computed it). */
  public void add(NDArray logits, NDArray labels, NDArray meanLoss) {
    long batch = logits.getShape().get(0);
    NDArray idx = asIndices(labels);
    accumulateLoss(meanLoss.toType(DataType.FLOAT64, false).mul(batch));
    top1 = accumulate(top1, logits.argMax(1).eq(idx).sum());
    long classes = logits.getShape().get(1);
    countsTop5 &= classes >= TOP_K;
    if (countsTop5) {
      NDList best = logits.topK(TOP_K, 1);
      // indices within a row are distinct, so the matches count the rows holding their label
      top5 = accumulate(top5, best.get(1).eq(idx.reshape(batch, 1)).sum());
    }
    samples += batch;
  }

  private void accumulateLoss(NDArray batchLossSum) {
    lossSum = accumulate(lossSum, batchLossSum);
  }

  private NDArray accumulate(NDArray sum, NDArray term) {
    if (sum == null) {
      NDArray first = term.duplicate();
      first.attach(manager);
      return first;
    }
    sum.addi(term);
    return sum;
  }

  private static NDArray asIndices(NDArray labels) {
    return labels.toType(DataType.INT64, false);
  }

  /** The figures so far (one host sync). */
  public Evaluation result() {
    if (samples == 0) {
      return new Evaluation(0, Double.NaN, Double.NaN, Double.NaN);
    }
    double n = samples;
    double top5Fraction = countsTop5 ? top5.getLong() / n : Double.NaN;
    return new Evaluation(samples, lossSum.getDouble() / n, top1.getLong() / n, top5Fraction);
  }

  @Override
  public void close() {
    manager.close();
  }
}
