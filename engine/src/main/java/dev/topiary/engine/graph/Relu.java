package dev.topiary.engine.graph;

import java.util.List;

/** Element-wise: max(0, x). */
public record Relu() implements Op {
  @Override
  public OpType type() {
    return OpType.RELU;
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
