package dev.topiary.engine.graph;

import java.util.List;

/**
 * Shape rule of the element-wise arithmetic ops ({@link Add}, {@link Mul}, {@link Sub}, {@link
 * Div}): per-sample shapes of equal rank, each dimension equal or 1 (NumPy broadcasting without
 * rank extension, which the ONNX importer supplies by padding constants with leading ones).
 */
final class Broadcast {
  private Broadcast() {}

  static TensorShape shape(List<TensorShape> inputs) {
    TensorShape first = inputs.get(0);
    int[] out = first.toArray();
    for (int i = 1; i < inputs.size(); i++) {
      TensorShape s = inputs.get(i);
      if (s.rank() != first.rank()) {
        throw new IllegalArgumentException(
            "input " + i + " has shape " + s + " but input 0 has " + first + " (ranks differ)");
      }
      for (int d = 0; d < out.length; d++) {
        int v = s.dim(d);
        if (v == out[d] || v == 1) {
          continue;
        }
        if (out[d] == 1) {
          out[d] = v;
          continue;
        }
        throw new IllegalArgumentException(
            "input " + i + " has shape " + s + " but input 0 has " + first + " (dimension " + d + " neither equal nor 1)");
      }
    }
    return TensorShape.of(out);
  }
}
