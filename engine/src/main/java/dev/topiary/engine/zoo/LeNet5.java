package dev.topiary.engine.zoo;

import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.MaxPool;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.graph.TensorShape;

/**
 * LeNet-5 as commonly trained today: conv 6@5x5 (pad 2) - ReLU - max pool 2, conv 16@5x5 - ReLU -
 * max pool 2, fully connected 120, 84, classes, with ReLU between. For 1x28x28 it has the classic
 * 61,706 parameters; other inputs change only fc1's width, found by shape inference.
 */
final class LeNet5 {
  private LeNet5() {}

  static Graph build(ModelSpec spec) {
    TensorShape in = spec.inputShapeOr(1, 28, 28);
    GraphBuilder b = Graph.builder(spec.arch());
    String x = b.input("input", in.toArray());
    x = b.add("conv1", Conv.of(6, 5, 1, 2).withBias(true), x);
    x = b.add("relu1", new Relu(), x);
    x = b.add("pool1", MaxPool.of(2, 2), x);
    x = b.add("conv2", Conv.of(16, 5, 1, 0).withBias(true), x);
    x = b.add("relu2", new Relu(), x);
    x = b.add("pool2", MaxPool.of(2, 2), x);
    x = b.add("flatten", new Flatten(), x);
    x = b.add("fc1", new Gemm(120, true), x);
    x = b.add("relu3", new Relu(), x);
    x = b.add("fc2", new Gemm(84, true), x);
    x = b.add("relu4", new Relu(), x);
    x = b.add("fc3", new Gemm(spec.numClassesOr(10), true), x);
    return b.output(x).build();
  }
}
