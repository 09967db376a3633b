package dev.topiary.engine.graph;

import java.util.List;

/** Element-wise difference input 0 minus input 1, with broadcasting (e.g. subtracting a per-channel mean constant). See {@link Broadcast}. */
public record Sub() implements Op {
  @Override
  public OpType type() {
    return OpType.SUB;
  }

  @Override
  public int arity() {
    return 2;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    return Broadcast.shape(inputs);
  }
}
