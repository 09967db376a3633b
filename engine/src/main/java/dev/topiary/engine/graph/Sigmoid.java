package dev.topiary.engine.graph;

import java.util.List;

/** Element-wise: 1 / (1 + exp(-x)). */
public record Sigmoid() implements Op {
  @Override
  public OpType type() {
    return OpType.SIGMOID;
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
