package dev.topiary.engine.zoo;

import dev.topiary.engine.graph.Add;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.GlobalAveragePool;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.graph.ZeroPadShortcut;

/**
 * The CIFAR ResNets of He et al. (2016, section 4.2) as HRank's {@code models/resnet_cifar.py}:
 * a 3x3 conv to 16 channels with BN and ReLU, three stages of {@code n = (depth - 2) / 6} basic
 * blocks with 16, 32 and 64 planes (the first block of stages 2 and 3 has stride 2), global
 * average pooling, flatten and a linear classifier. Convolutions have no bias.
 *
 * <p>A basic block is {@code conv1-bn1-relu1-conv2-bn2}, plus the shortcut, then {@code relu2}.
 * Where the shape changes the shortcut is {@link Shortcut#A} (a {@link ZeroPadShortcut} named
 * {@code shortcut}: HRank pads {@code planes // 4} channels on each side, which is {@code (planes
 * - inplanes) / 2} since planes double) or {@link Shortcut#B} ({@code shortcut.0} 1x1 conv with
 * the stride, {@code shortcut.1} BN). The sum is named {@code <block>.add}.
 *
 * <p>HRank names the classifier {@code linear} in ResNet-110 and {@code fc} otherwise; the zoo
 * keeps that so HRank checkpoints map by name.
 */
final class CifarResNet {
  private static final int[] PLANES = {16, 32, 64};

  private CifarResNet() {}

  static Graph build(ModelSpec spec, int depth) {
    if (depth < 8 || (depth - 2) % 6 != 0) {
      throw new IllegalArgumentException("depth must be 6n + 2 with n >= 1, got " + depth);
    }
    int blocks = (depth - 2) / 6;
    Shortcut shortcut = spec.shortcutOr(Shortcut.A);
    TensorShape in = spec.inputShapeOr(3, 32, 32);
    GraphBuilder b = Graph.builder(spec.arch());
    String x = b.input("input", in.toArray());
    x = b.add("conv1", Conv.of(PLANES[0], 3, 1, 1), x);
    x = b.add("bn1", BatchNormalization.standard(), x);
    x = b.add("relu", new Relu(), x);
    for (int stage = 0; stage < PLANES.length; stage++) {
      for (int i = 0; i < blocks; i++) {
        int stride = stage > 0 && i == 0 ? 2 : 1;
        x = basicBlock(b, "layer" + (stage + 1) + "." + i, x, PLANES[stage], stride, shortcut);
      }
    }
    x = b.add("avgpool", new GlobalAveragePool(), x);
    x = b.add("flatten", new Flatten(), x);
    x = b.add(depth == 110 ? "linear" : "fc", new Gemm(spec.numClassesOr(10), true), x);
    return b.output(x).build();
  }

  private static String basicBlock(GraphBuilder b, String name, String x, int planes, int stride, Shortcut shortcut) {
    int inplanes = b.channels(x);
    String y = b.add(name + ".conv1", Conv.of(planes, 3, stride, 1), x);
    y = b.add(name + ".bn1", BatchNormalization.standard(), y);
    y = b.add(name + ".relu1", new Relu(), y);
    y = b.add(name + ".conv2", Conv.of(planes, 3, 1, 1), y);
    y = b.add(name + ".bn2", BatchNormalization.standard(), y);
    String residual = x;
    if (stride != 1 || inplanes != planes) {
      residual = switch (shortcut) {
        case A -> {
          int pad = planes - inplanes;
          yield b.add(name + ".shortcut", new ZeroPadShortcut(stride, pad / 2, pad - pad / 2), x);
        }
        case B -> {
          String s = b.add(name + ".shortcut.0", Conv.of(planes, 1, stride, 0), x);
          yield b.add(name + ".shortcut.1", BatchNormalization.standard(), s);
        }
      };
    }
    y = b.add(name + ".add", new Add(), y, residual);
    return b.add(name + ".relu2", new Relu(), y);
  }
}
