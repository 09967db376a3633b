package dev.topiary.engine.zoo;

import dev.topiary.engine.graph.AveragePool;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Concat;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.graph.TensorShape;

/**
 * DenseNet for CIFAR (Huang et al. 2017, no bottleneck, no compression) as HRank's {@code
 * models/densenet_cifar.py} ({@code densenet_40}): a 3x3 conv to {@code 2k} channels, three dense
 * blocks of {@code (depth - 4) / 3} pre-activation layers ({@code bn1-relu-conv1}, a 3x3 conv to
 * {@code k} channels whose output is concatenated after the layer's input), two transitions
 * ({@code bn1-relu-conv1} 1x1 keeping the width, then a 2x2 average pool), a final BN and ReLU, an
 * 8x8 average pool and a linear classifier. Convolutions have no bias.
 *
 * <p>Names follow HRank: {@code dense1.0.bn1}, {@code dense1.0.conv1}, {@code trans1.conv1},
 * {@code bn}, {@code fc}; the concatenations are {@code dense<b>.<i>.cat} and the transitions'
 * functional pools {@code trans<b>.avgpool}.
 */
final class CifarDenseNet {
  private static final int BLOCKS = 3;

  private CifarDenseNet() {}

  static Graph build(ModelSpec spec, int depth, int growth) {
    if (depth < 7 || (depth - 4) % 3 != 0) {
      throw new IllegalArgumentException("depth must be 3n + 4 with n >= 1, got " + depth);
    }
    int layers = (depth - 4) / 3;
    TensorShape in = spec.inputShapeOr(3, 32, 32);
    GraphBuilder b = Graph.builder(spec.arch());
    String x = b.input("input", in.toArray());
    x = b.add("conv1", Conv.of(2 * growth, 3, 1, 1), x);
    for (int block = 1; block <= BLOCKS; block++) {
      for (int i = 0; i < layers; i++) {
        x = denseLayer(b, "dense" + block + "." + i, x, growth);
      }
      if (block < BLOCKS) {
        x = preActivatedConv(b, "trans" + block, x, b.channels(x), 1);
        x = b.add("trans" + block + ".avgpool", AveragePool.of(2, 2), x);
      }
    }
    x = b.add("bn", BatchNormalization.standard(), x);
    x = b.add("relu", new Relu(), x);
    x = b.add("avgpool", AveragePool.of(8, 8), x);
    x = b.add("flatten", new Flatten(), x);
    x = b.add("fc", new Gemm(spec.numClassesOr(10), true), x);
    return b.output(x).build();
  }

  private static String denseLayer(GraphBuilder b, String name, String x, int growth) {
    String y = preActivatedConv(b, name, x, growth, 3);
    return b.add(name + ".cat", new Concat(), x, y);
  }

  private static String preActivatedConv(GraphBuilder b, String name, String x, int out, int kernel) {
    String y = b.add(name + ".bn1", BatchNormalization.standard(), x);
    y = b.add(name + ".relu", new Relu(), y);
    return b.add(name + ".conv1", Conv.of(out, kernel, 1, (kernel - 1) / 2), y);
  }
}
