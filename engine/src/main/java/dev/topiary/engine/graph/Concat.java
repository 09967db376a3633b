package dev.topiary.engine.graph;

import java.util.List;

/**
 * Concatenation of two or more inputs along the channel axis (ONNX Concat with axis 1 of the
 * batched tensor). All other dimensions must agree.
 */
public record Concat() implements Op {
  @Override
  public OpType type() {
    return OpType.CONCAT;
  }

  @Override
  public int arity() {
    return VARIADIC;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape first = inputs.get(0);
    int channels = 0;
    for (int i = 0; i < inputs.size(); i++) {
      TensorShape s = inputs.get(i);
      if (s.rank() != first.rank()) {
        throw new IllegalArgumentException("input " + i + " has rank " + s.rank() + " but input 0 has " + first.rank());
      }
      for (int d = 1; d < s.rank(); d++) {
        if (s.dim(d) != first.dim(d)) {
          throw new IllegalArgumentException(
              "input " + i + " has shape " + s + " but input 0 has " + first + " (only channels may differ)");
        }
      }
      channels += s.channels();
    }
    return first.withChannels(channels);
  }
}
