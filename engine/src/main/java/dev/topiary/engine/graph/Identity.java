package dev.topiary.engine.graph;

import java.util.List;

/** Element-wise: Passes its input through unchanged. */
public record Identity() implements Op {
  @Override
  public OpType type() {
    return OpType.IDENTITY;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    return inputs.get(0);
  }

  @Override
  public boolean channelwise() {
    return true;
  }
}
