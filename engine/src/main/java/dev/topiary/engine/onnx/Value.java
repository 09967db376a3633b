package dev.topiary.engine.onnx;

import dev.topiary.engine.graph.TensorShape;

/** What an ONNX tensor name stands for during import: a known constant, or an IR node's output. */
sealed interface Value permits Const, Value.MapRef {
  /**
   * The output of IR node {@code node}, with its per-sample shape (the batch dimension is implied:
   * the ONNX tensor has rank {@code shape.rank() + 1}).
   */
  record MapRef(String node, TensorShape shape) implements Value {
    int onnxRank() {
      return shape.rank() + 1;
    }
  }
}
