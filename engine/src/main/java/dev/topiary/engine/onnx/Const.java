package dev.topiary.engine.onnx;

import dev.topiary.engine.InvalidModelException;
import java.util.Arrays;

/**
 * A tensor whose value is known at import: an initializer, a Constant node, or the result of
 * folding a shape computation. Float tensors keep float32 values; integer tensors keep numbers as
 * doubles (exact for any shape arithmetic), where {@link #BATCH} stands for the batch size, which
 * is unknown when the batch dimension is dynamic. Exactly one of the two arrays is set.
 */
record Const(long[] dims, float[] floats, double[] numbers) implements Value {
  /** The batch size in a folded shape: unknown, so any arithmetic on it stays unknown. */
  static final double BATCH = Double.NaN;

  static Const floats(long[] dims, float[] v) {
    return new Const(dims, v, null);
  }

  static Const numbers(long[] dims, double[] v) {
    return new Const(dims, null, v);
  }

  /** A 1-d integer tensor. */
  static Const vector(double... v) {
    return numbers(new long[] {v.length}, v);
  }

  int size() {
    return floats != null ? floats.length : numbers.length;
  }

  int rank() {
    return dims.length;
  }

  double get(int i) {
    return floats != null ? floats[i] : numbers[i];
  }

  /** All values as doubles. */
  double[] values() {
    if (numbers != null) {
      return numbers;
    }
    double[] out = new double[floats.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = floats[i];
    }
    return out;
  }

  /** All values as float32 (for weights). */
  float[] asFloats() {
    if (floats != null) {
      return floats;
    }
    float[] out = new float[numbers.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) numbers[i];
    }
    return out;
  }

  /** All values as integers; the batch size, when unknown, is refused naming {@code where}. */
  long[] asLongs(String where) {
    double[] v = values();
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      if (Double.isNaN(v[i])) {
        throw new InvalidModelException(where + " depends on the dynamic batch size");
      }
      out[i] = (long) v[i];
    }
    return out;
  }

  /** The single value of a scalar or one-element tensor. */
  double scalar(String where) {
    if (size() != 1) {
      throw new InvalidModelException(where + " must be a single value, got shape " + Arrays.toString(dims));
    }
    return get(0);
  }

  @Override
  public String toString() {
    return "Const" + Arrays.toString(dims);
  }
}
