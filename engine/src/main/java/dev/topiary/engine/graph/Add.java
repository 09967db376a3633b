package dev.topiary.engine.graph;

import java.util.List;

/**
 * Element-wise sum of two or more inputs (residual connections), with broadcasting for a constant
 * or a gate (see {@link Broadcast}).
 */
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
    return Broadcast.shape(inputs);
  }
}
