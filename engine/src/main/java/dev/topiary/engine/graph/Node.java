package dev.topiary.engine.graph;

import java.util.List;
import java.util.Objects;

/** One node of a graph: a unique name, an op with its attributes, and the names it reads. */
public record Node(String name, Op op, List<String> inputs) {
  public Node {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(op, "op");
    inputs = List.copyOf(inputs);
  }

  public OpType type() {
    return op.type();
  }

  /** The same node with another op (e.g. fewer channels after surgery). */
  public Node withOp(Op newOp) {
    return new Node(name, newOp, inputs);
  }

  @Override
  public String toString() {
    return name + " (" + op.type().jsonName() + ")";
  }
}
