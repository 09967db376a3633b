package dev.topiary.engine.graph;

import java.util.List;

/** Element-wise quotient input 0 over input 1, with broadcasting (e.g. dividing by a per-channel std constant). See {@link Broadcast}. */
public record Div() implements Op {
  @Override
  public OpType type() {
    return OpType.DIV;
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
