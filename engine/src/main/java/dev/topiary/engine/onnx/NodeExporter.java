package dev.topiary.engine.onnx;

import dev.topiary.engine.graph.Node;

/**
 * Writes the ONNX nodes that compute one IR node. The IR node's inputs are tensors of the same
 * names; the last ONNX node written must output the tensor named {@link Node#name()}, so graph
 * outputs keep their IR names.
 */
@FunctionalInterface
interface NodeExporter {
  void export(Node node, OnnxEmitter out);
}
