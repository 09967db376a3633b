package dev.topiary.engine.graph;

import java.util.List;

/** Element-wise: x * relu6(x + 3) / 6 (torch.nn.Hardswish). */
public record HardSwish() implements Op {
  @Override
  public OpType type() {
    return OpType.HARD_SWISH;
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
