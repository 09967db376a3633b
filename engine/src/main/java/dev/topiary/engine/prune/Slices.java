package dev.topiary.engine.prune;

import dev.topiary.engine.weights.Tensor;
import java.util.Arrays;

/** Removes indices along one dimension of a dense tensor. */
final class Slices {
  private Slices() {}

  /** A new tensor without the given ascending indices along {@code dim}; a copy when none. */
  static Tensor remove(Tensor t, int dim, int[] removed) {
    int[] shape = t.shape();
    if (removed.length == 0) {
      return t.copy();
    }
    int n = shape[dim];
    boolean[] drop = new boolean[n];
    for (int r : removed) {
      if (r < 0 || r >= n) {
        throw new IllegalArgumentException("index " + r + " is outside dimension " + dim + " of " + Arrays.toString(shape));
      }
      drop[r] = true;
    }
    int outer = 1;
    for (int i = 0; i < dim; i++) {
      outer *= shape[i];
    }
    int inner = 1;
    for (int i = dim + 1; i < shape.length; i++) {
      inner *= shape[i];
    }
    int kept = n - removed.length;
    float[] src = t.data();
    float[] dst = new float[outer * kept * inner];
    int o = 0;
    for (int a = 0; a < outer; a++) {
      int base = a * n * inner;
      for (int c = 0; c < n; c++) {
        if (!drop[c]) {
          System.arraycopy(src, base + c * inner, dst, o, inner);
          o += inner;
        }
      }
    }
    shape[dim] = kept;
    return new Tensor(shape, dst);
  }
}
