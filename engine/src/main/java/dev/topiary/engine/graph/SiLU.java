package dev.topiary.engine.graph;

import java.util.List;

/** Element-wise: x * sigmoid(x), the activation of YOLOv5 (torch.nn.SiLU). */
public record SiLU() implements Op {
  @Override
  public OpType type() {
    return OpType.SILU;
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
