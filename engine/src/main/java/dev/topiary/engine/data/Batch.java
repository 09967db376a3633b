package dev.topiary.engine.data;

import ai.djl.ndarray.NDArray;

/**
 * One batch from a {@link DataLoader}: {@code data} is float32 {@code [B, C, H, W]} and {@code
 * labels} is int32 {@code [B]}, both created in the manager passed to {@link
 * DataLoader#epoch(int, ai.djl.ndarray.NDManager)}. Closing the batch closes both arrays; use it
 * in try-with-resources, or close the manager.
 */
public final class Batch implements AutoCloseable {
  private final NDArray data;
  private final NDArray labels;
  private final int[] indices;
  private final int batchIndex;

  Batch(NDArray data, NDArray labels, int[] indices, int batchIndex) {
    this.data = data;
    this.labels = labels;
    this.indices = indices;
    this.batchIndex = batchIndex;
  }

  /** The transformed samples, float32 {@code [B, C, H, W]}. */
  public NDArray data() {
    return data;
  }

  /** The class labels, int32 {@code [B]}; suits {@code SoftmaxCrossEntropyLoss} with sparse labels. */
  public NDArray labels() {
    return labels;
  }

  /** Number of samples, {@code B}. */
  public int size() {
    return indices.length;
  }

  /** The dataset indices of the samples, in batch order. */
  public int[] indices() {
    return indices.clone();
  }

  /** Position of this batch within its epoch, from 0. */
  public int batchIndex() {
    return batchIndex;
  }

  @Override
  public void close() {
    data.close();
    labels.close();
  }
}
