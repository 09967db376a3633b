package dev.topiary.engine.weights;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 tensor in row-major (C) order.
 *
 * <p>Invariants: every dimension is non-negative and {@code data.length} is the product of the
 * shape (1 for a scalar, whose shape is {@code []}). The shape is copied in and out, so it never
 * changes. The data array is <em>not</em> copied, so that weights pass to and from NDArrays
 * without a second copy: the tensor takes ownership of the array given to it, and {@link #data()}
 * returns that same array. Writing to it changes the tensor; {@link #copy()} gives an independent
 * one.
 *
 * <p>Two tensors are equal when their shapes are equal and their values have the same raw bits
 * (so a NaN equals only a NaN with the same payload, and 0.0 differs from -0.0).
 */
public record Tensor(int[] shape, float[] data) {

  /**
   * @throws IllegalArgumentException when a dimension is negative or the number of values is not
   *     the product of the shape
   */
  public Tensor {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    shape = shape.clone();
    long expected = elementCount(shape);
    if (expected != data.length) {
      throw new IllegalArgumentException(
          "data has " + data.length + " values but shape " + Arrays.toString(shape) + " holds "
              + expected);
    }
  }

  /** A tensor of zeros with the given shape. */
  public static Tensor zeros(int... shape) {
    long n = elementCount(shape);
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
    }
    return new Tensor(shape, new float[(int) n]);
  }

  /** A copy of the shape. */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** The values themselves, not a copy (see the class comment). */
  @Override
  public float[] data() {
    return data;
  }

  /** Whether this tensor's shape is {@code other}. */
  public boolean hasShape(int[] other) {
    return Arrays.equals(shape, other);
  }

  /** An independent deep copy. */
  public Tensor copy() {
    return new Tensor(shape, data.clone());
  }

  /**
   * Product of the dimensions, or a value above {@code Integer.MAX_VALUE} when that product does
   * not fit an int.
   */
  static long elementCount(int[] shape) {
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        throw new IllegalArgumentException(
            "dimension " + i + " of shape " + Arrays.toString(shape) + " is negative");
      }
      n *= shape[i];
      // Clamp so that the product cannot overflow; no array holds more than an int's worth anyway.
      if (n > Integer.MAX_VALUE) {
        n = Integer.MAX_VALUE + 1L;
      }
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Tensor t) || !Arrays.equals(shape, t.shape)) {
      return false;
    }
    for (int i = 0; i < data.length; i++) {
      if (Float.floatToRawIntBits(data[i]) != Float.floatToRawIntBits(t.data[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(shape);
    for (float v : data) {
      h = 31 * h + Float.floatToRawIntBits(v);
    }
    return h;
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
