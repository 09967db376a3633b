package dev.topiary.engine.graph;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * The shape of one sample flowing along a graph edge, without the batch dimension: {@code [C, H,
 * W]} for feature maps, {@code [F]} after Flatten or Gemm. Immutable; every dimension is positive.
 */
public final class TensorShape {
  private final int[] dims;

  private TensorShape(int[] dims) {
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] <= 0) {
        throw new IllegalArgumentException("dimension " + i + " of " + Arrays.toString(dims) + " is not positive");
      }
    }
    this.dims = dims;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static TensorShape of(int... dims) {
    if (dims == null || dims.length == 0) {
      throw new IllegalArgumentException("a shape needs at least one dimension");
    }
    return new TensorShape(dims.clone());
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int i) {
    return dims[i];
  }

  /** The channel (first) dimension. */
  public int channels() {
    return dims[0];
  }

  /** Height of a rank-3 shape. */
  public int height() {
    requireRank(3);
    return dims[1];
  }

  /** Width of a rank-3 shape. */
  public int width() {
    requireRank(3);
    return dims[2];
  }

  /** Number of elements per sample. */
  public long size() {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  /** A copy of the dimensions. */
  @JsonValue
  public int[] toArray() {
    return dims.clone();
  }

  /** The same shape with the channel dimension replaced. */
  public TensorShape withChannels(int channels) {
    int[] d = dims.clone();
    d[0] = channels;
    return new TensorShape(d);
  }

  /** The DJL shape of a batch of this shape. */
  public ai.djl.ndarray.types.Shape withBatch(long batch) {
    long[] d = new long[dims.length + 1];
    d[0] = batch;
    for (int i = 0; i < dims.length; i++) {
      d[i + 1] = dims[i];
    }
    return new ai.djl.ndarray.types.Shape(d);
  }

  private void requireRank(int rank) {
    if (dims.length != rank) {
      throw new IllegalArgumentException("expected a rank-" + rank + " shape, got " + this);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorShape t && Arrays.equals(dims, t.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
