package dev.topiary.engine.graph;

import java.util.List;

/** Mean over height and width: [C, H, W] to [C, 1, 1], as ONNX GlobalAveragePool. */
public record GlobalAveragePool() implements Op {
  @Override
  public OpType type() {
    return OpType.GLOBAL_AVERAGE_POOL;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    return TensorShape.of(OpShapes.featureMap(inputs, "GlobalAveragePool").channels(), 1, 1);
  }

  @Override
  public boolean channelwise() {
    return true;
  }
}
