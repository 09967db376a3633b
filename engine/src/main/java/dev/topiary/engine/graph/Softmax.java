package dev.topiary.engine.graph;

import java.util.List;

/**
 * Softmax over the channel (first per-sample) axis: ONNX Softmax on axis 1, torch.softmax(x, dim=1). Every output channel depends on every input channel, so channels reaching it are coupled
 * one to one with its output and are pruned only where that output may lose them.
 */
public record Softmax() implements Op {
  @Override
  public OpType type() {
    return OpType.SOFTMAX;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    return inputs.get(0);
  }
}
