package dev.topiary.engine.zoo;

import dev.topiary.engine.graph.AveragePool;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Concat;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.MaxPool;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.graph.TensorShape;

/**
 * GoogLeNet for CIFAR as HRank's {@code models/googlenet_cifar.py} (kuangliu's pytorch-cifar
 * layout): a 3x3 conv to 192 channels with BN and ReLU, nine Inception modules with a 3x3
 * stride-2 max pool after {@code inception_b3} and {@code inception_e4}, an 8x8 average pool and a
 * linear classifier. Each Inception concatenates four branches, every conv with bias and followed
 * by BN and ReLU: {@code branch1x1} (1x1), {@code branch3x3} (1x1 then 3x3), {@code branch5x5}
 * (1x1 then two 3x3, replacing the 5x5) and {@code branch_pool} (3x3 max pool then 1x1).
 *
 * <p>Names are HRank's module paths ({@code pre_layers.0}, {@code inception_a3.branch5x5.3},
 * {@code linear}); the concatenation of a module is {@code <module>.cat}.
 */
final class CifarGoogLeNet {
  /**
   * One Inception module: its name, the widths of the 1x1, 3x3 reduce, 3x3, double-3x3 reduce,
   * double-3x3 and pool projection convs, and whether a stride-2 max pool follows it.
   */
  private record Inception(
      String name, int n1x1, int n3x3red, int n3x3, int n5x5red, int n5x5, int pool, boolean poolAfter) {}

  private static final Inception[] MODULES = {
    new Inception("inception_a3", 64, 96, 128, 16, 32, 32, false),
    new Inception("inception_b3", 128, 128, 192, 32, 96, 64, true),
    new Inception("inception_a4", 192, 96, 208, 16, 48, 64, false),
    new Inception("inception_b4", 160, 112, 224, 24, 64, 64, false),
    new Inception("inception_c4", 128, 128, 256, 24, 64, 64, false),
    new Inception("inception_d4", 112, 144, 288, 32, 64, 64, false),
    new Inception("inception_e4", 256, 160, 320, 32, 128, 128, true),
    new Inception("inception_a5", 256, 160, 320, 32, 128, 128, false),
    new Inception("inception_b5", 384, 192, 384, 48, 128, 128, false),
  };

  private CifarGoogLeNet() {}

  static Graph build(ModelSpec spec) {
    TensorShape in = spec.inputShapeOr(3, 32, 32);
    GraphBuilder b = Graph.builder(spec.arch());
    String x = b.input("input", in.toArray());
    x = convBnRelu(b, "pre_layers", 0, x, 192, 3);
    int pools = 0;
    for (Inception m : MODULES) {
      x = inception(b, m, x);
      if (m.poolAfter()) {
        x = b.add("maxpool" + ++pools, MaxPool.of(3, 2, 1), x);
      }
    }
    x = b.add("avgpool", AveragePool.of(8, 1), x);
    x = b.add("flatten", new Flatten(), x);
    x = b.add("linear", new Gemm(spec.numClassesOr(10), true), x);
    return b.output(x).build();
  }

  private static String inception(GraphBuilder b, Inception m, String x) {
    String p = m.name() + ".";
    String b1 = convBnRelu(b, p + "branch1x1", 0, x, m.n1x1(), 1);
    String b2 = convBnRelu(b, p + "branch3x3", 0, x, m.n3x3red(), 1);
    b2 = convBnRelu(b, p + "branch3x3", 3, b2, m.n3x3(), 3);
    String b3 = convBnRelu(b, p + "branch5x5", 0, x, m.n5x5red(), 1);
    b3 = convBnRelu(b, p + "branch5x5", 3, b3, m.n5x5(), 3);
    b3 = convBnRelu(b, p + "branch5x5", 6, b3, m.n5x5(), 3);
    String b4 = b.add(p + "branch_pool.0", MaxPool.of(3, 1, 1), x);
    b4 = convBnRelu(b, p + "branch_pool", 1, b4, m.pool(), 1);
    return b.add(p + "cat", new Concat(), b1, b2, b3, b4);
  }

  /** Conv (bias, same padding), BN, ReLU at positions {@code at}, {@code at+1}, {@code at+2} of a Sequential. */
  private static String convBnRelu(GraphBuilder b, String seq, int at, String x, int out, int kernel) {
    String y = b.add(seq + "." + at, Conv.of(out, kernel, 1, (kernel - 1) / 2).withBias(true), x);
    y = b.add(seq + "." + (at + 1), BatchNormalization.standard(), y);
    return b.add(seq + "." + (at + 2), new Relu(), y);
  }
}
