package dev.topiary.engine.graph;

import java.util.List;

/** Element-wise: x for x >= 0, alpha * x otherwise. */
public record LeakyRelu(double alpha) implements Op {
  public LeakyRelu {
    if (!(alpha >= 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in [0, 1), got " + alpha);
    }
  }

  @Override
  public OpType type() {
    return OpType.LEAKY_RELU;
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
