package dev.topiary.engine.graph;

import java.util.List;

/**
 * Log of the softmax over the channel (first per-sample) axis: ONNX LogSoftmax on axis 1. Every output channel depends on every input channel, so channels reaching it are coupled
 * one to one with its output and are pruned only where that output may lose them.
 */
public record LogSoftmax() implements Op {
  @Override
  public OpType type() {
    return OpType.LOG_SOFTMAX;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    return inputs.get(0);
  }
}
