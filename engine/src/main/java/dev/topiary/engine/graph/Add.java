package dev.topiary.engine.graph;

import java.util.List;

/** Element-wise sum of two or more inputs of identical shape (residual connections). */
public record Add() implements Op {
  @Override
  public OpType type() {
    return OpType.ADD;
  }

  @Override
  public int arity() {
    return VARIADIC;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape first = inputs.get(0);
    for (int i = 1; i < inputs.size(); i++) {
      if (!inputs.get(i).equals(first)) {
        throw new IllegalArgumentException(
            "input " + i + " has shape " + inputs.get(i) + " but input 0 has " + first);
      }
    }
    return first;
  }
}
