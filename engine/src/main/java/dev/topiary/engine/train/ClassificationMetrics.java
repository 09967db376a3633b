package dev.topiary.engine.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Accumulates cross-entropy, top-1 and top-5 over batches of logits {@code [B, K]} and integer labels
 * {@code [B]}. On the CPU each batch's logits, labels and loss are copied to Java (three small copies)
 * and counted there: the dozen array ops of the device path cost more than LeNet-5's loss (half a
 * millisecond a step). Elsewhere the running sums stay on the device (no host sync per batch) in a
 * sub-manager that {@link #close} frees; per-batch temporaries live in the logits' manager. Top-5 is
 * counted only when {@code K >= 5}. On the CPU a tie goes to the lower class index (as {@code argmax}
 * and a stable sort give it); a NaN logit counts as the largest value, as in torch. The host path
 * refuses a label outside the classes; the device path does not look at labels (that would stall the
 * device every batch): {@code Fitter} checks that the model has an output per class of its data.
 * Not thread-safe.
 */
public final class ClassificationMetrics implements AutoCloseable {
  private static final int TOP_K = 5;
  private final NDManager manager;
  private NDArray lossSum;
  private NDArray top1;
  private NDArray top5;
  private long samples;
  private boolean countsTop5 = true;
  private double hostLossSum;
  private long hostTop1;
  private long hostTop5;

  private final boolean deviceOpsOnCpu;

  public ClassificationMetrics(NDManager parent) {
    this(parent, false);
  }

  /** With {@code deviceOpsOnCpu}, the device path also counts CPU batches (tests compare the two). */
  ClassificationMetrics(NDManager parent, boolean deviceOpsOnCpu) {
    this.manager = parent.newSubManager();
    this.deviceOpsOnCpu = deviceOpsOnCpu;
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
    long classes = logits.getShape().get(1);
    countsTop5 &= classes >= TOP_K;
    if (Device.Type.CPU.equals(logits.getDevice().getDeviceType()) && !deviceOpsOnCpu) {
      addOnHost(logits, labels, meanLoss, (int) batch, (int) classes);
    } else {
      NDArray idx = asIndices(labels);
      accumulateLoss(meanLoss.toType(DataType.FLOAT64, false).mul(batch));
      top1 = accumulate(top1, logits.argMax(1).eq(idx).sum());
      if (countsTop5) {
        NDList best = logits.topK(TOP_K, 1);
        // indices within a row are distinct, so the matches count the rows holding their label
        top5 = accumulate(top5, best.get(1).eq(idx.reshape(batch, 1)).sum());
      }
    }
    samples += batch;
  }

  /**
   * Counts a batch in Java: a row's label is within the top k when fewer than k classes beat it (a
   * larger logit, or an equal one at a lower index).
   */
  private void addOnHost(NDArray logits, NDArray labels, NDArray meanLoss, int batch, int classes) {
    float[] l = logits.toType(DataType.FLOAT32, false).toFloatArray();
    long[] y = hostLabels(labels);
    for (int i = 0; i < batch; i++) {
      if (y[i] < 0 || y[i] >= classes) {
        // checked before anything is counted: a refused batch leaves the sums as they were
        throw new IllegalArgumentException("label " + y[i] + " of row " + i + " is outside the " + classes + " classes");
      }
    }
    hostLossSum += meanLoss.toType(DataType.FLOAT64, false).getDouble() * batch;
    for (int i = 0; i < batch; i++) {
      long label = y[i];
      int off = i * classes;
      float own = l[off + (int) label];
      int beaten = 0;
      for (int j = 0; j < classes; j++) {
        float v = l[off + j];
        if (greater(v, own) || (j < label && same(v, own))) {
          beaten++;
        }
      }
      if (beaten == 0) {
        hostTop1++;
      }
      if (beaten < TOP_K) {
        hostTop5++;
      }
    }
  }

  private static long[] hostLabels(NDArray labels) {
    return switch (labels.getDataType()) {
      case INT64 -> labels.toLongArray();
      case INT32 -> Arrays.stream(labels.toIntArray()).asLongStream().toArray();
      default -> {
        try (NDArray asLong = labels.toType(DataType.INT64, false)) {
          yield asLong.toLongArray();
        }
      }
    };
  }

  /** a > b, a NaN counting as larger than any number (torch's argmax and topk). */
  private static boolean greater(float a, float b) {
    return a > b || (Float.isNaN(a) && !Float.isNaN(b));
  }

  private static boolean same(float a, float b) {
    return a == b || (Float.isNaN(a) && Float.isNaN(b));
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
    double loss = hostLossSum + (lossSum == null ? 0 : lossSum.getDouble());
    long correct1 = hostTop1 + (top1 == null ? 0 : top1.getLong());
    long correct5 = hostTop5 + (top5 == null ? 0 : top5.getLong());
    return new Evaluation(samples, loss / n, correct1 / n, countsTop5 ? correct5 / n : Double.NaN);
  }

  @Override
  public void close() {
    manager.close();
  }
}
