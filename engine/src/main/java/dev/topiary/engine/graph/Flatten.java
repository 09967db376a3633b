package dev.topiary.engine.graph;

import java.util.List;

/** Flattens [C, H, W] to [C * H * W] in channel-major order (feature c * H * W + y * W + x). */
public record Flatten() implements Op {
  @Override
  public OpType type() {
    return OpType.FLATTEN;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    long size = inputs.get(0).size();
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("flattened size " + size + " is too large");
    }
    return TensorShape.of((int) size);
  }
}
