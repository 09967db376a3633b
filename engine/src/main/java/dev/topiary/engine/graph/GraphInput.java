package dev.topiary.engine.graph;

import java.util.Objects;

/** A declared graph input: its name and per-sample shape (e.g. [3, 32, 32]). */
public record GraphInput(String name, TensorShape shape) {
  public GraphInput {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(shape, "shape");
  }
}
