package dev.topiary.engine.graph;

import java.util.List;
import java.util.Map;

/**
 * A constant tensor of a fixed per-sample shape, held as the node's {@link ParamRole#VALUE} (a
 * buffer, not trained): an imported normalisation constant, a per-channel scale. It has no input;
 * it broadcasts over the batch. Where it is per-channel and meets pruned channels, surgery slices
 * it like any other per-channel parameter.
 */
public record Constant(TensorShape shape) implements Op {
  public Constant {
    if (shape == null) {
      throw new IllegalArgumentException("shape is required");
    }
  }

  @Override
  public OpType type() {
    return OpType.CONSTANT;
  }

  @Override
  public int arity() {
    return 0;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    return shape;
  }

  @Override
  public Map<ParamRole, int[]> paramShapes(List<TensorShape> inputs) {
    return Map.of(ParamRole.VALUE, shape.toArray());
  }
}
