package dev.topiary.engine.graph;

import java.util.List;

/** Element-wise product of two inputs with broadcasting (an SE block's gate [C, 1, 1] times its features, a normalisation constant). See {@link Broadcast}. */
public record Mul() implements Op {
  @Override
  public OpType type() {
    return OpType.MUL;
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
