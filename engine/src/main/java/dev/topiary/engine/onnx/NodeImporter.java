package dev.topiary.engine.onnx;

import java.util.List;

/** Imports one ONNX node: adds IR nodes (or folds constants) and returns the value of each ONNX output. */
@FunctionalInterface
interface NodeImporter {
  List<Value> apply(OnnxNode node);
}
