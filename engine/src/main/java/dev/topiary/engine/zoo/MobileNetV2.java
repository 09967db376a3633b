package dev.topiary.engine.zoo;

import dev.topiary.engine.graph.Add;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Clip;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Dropout;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.GlobalAveragePool;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.TensorShape;

/**
 * MobileNetV2 (Sandler et al. 2018) exactly as torchvision's {@code mobilenet_v2}: a 3x3 stride-2
 * stem, seventeen inverted residual blocks, a 1x1 conv to 1280 channels, global average pooling,
 * dropout 0.2 and a linear classifier. Every conv is bias-free and followed by BN; ReLU6 is {@code
 * Clip(0, 6)}. A block adds its input when its stride is 1 and its width is unchanged. With 1000
 * classes and a 3x224x224 input it has 3,504,872 parameters.
 *
 * <p>The width multiplier scales every width and rounds it with torchvision's {@link
 * #makeDivisible}; the last conv keeps at least 1280 channels.
 *
 * <p>The {@code cifar} variant is the usual one for 32x32 inputs (kuangliu's pytorch-cifar, NNI's
 * examples): the stem and the first block of the 24-channel stage have stride 1 instead of 2, so
 * the last feature map is 4x4 rather than 1x1. Blocks stay torchvision's (no projection shortcut
 * as kuangliu adds), so weights and names match torchvision's layout.
 *
 * <p>Names are torchvision's module paths: {@code features.0.0} (stem conv), {@code
 * features.2.conv.0.0} (expand conv), {@code features.2.conv.1.0} (depthwise), {@code
 * features.2.conv.2} (project), {@code features.2.conv.3} (its BN), {@code features.18.0}, {@code
 * classifier.1}; residual sums are {@code features.<i>.add}.
 */
final class MobileNetV2 {
  /** torchvision's inverted residual setting: expansion t, channels c, repeats n, stride s. */
  private static final int[][] BLOCKS = {
    {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
  };
  /** The stage whose first stride the CIFAR variant lowers to 1 (the 24-channel one). */
  private static final int CIFAR_STAGE = 1;
  private static final int STEM = 32;
  private static final int LAST = 1280;

  private MobileNetV2() {}

  static Graph build(ModelSpec spec) {
    boolean cifar = spec.cifarOr(false);
    double width = spec.widthMultiplierOr(1.0);
    TensorShape in = cifar ? spec.inputShapeOr(3, 32, 32) : spec.inputShapeOr(3, 224, 224);
    GraphBuilder b = Graph.builder(spec.arch());
    String x = b.input("input", in.toArray());
    x = convBnRelu6(b, "features.0", x, makeDivisible(STEM * width, 8), 3, cifar ? 1 : 2, 1);
    int index = 1;
    for (int stage = 0; stage < BLOCKS.length; stage++) {
      int[] row = BLOCKS[stage];
      int out = makeDivisible(row[1] * width, 8);
      int stride = cifar && stage == CIFAR_STAGE ? 1 : row[3];
      for (int i = 0; i < row[2]; i++) {
        x = invertedResidual(b, "features." + index++, x, out, i == 0 ? stride : 1, row[0]);
      }
    }
    x = convBnRelu6(b, "features." + index, x, makeDivisible(LAST * Math.max(1.0, width), 8), 1, 1, 1);
    x = b.add("avgpool", new GlobalAveragePool(), x);
    x = b.add("flatten", new Flatten(), x);
    x = b.add("classifier.0", new Dropout(0.2), x);
    x = b.add("classifier.1", new Gemm(spec.numClassesOr(cifar ? 10 : 1000), true), x);
    return b.output(x).build();
  }

  /**
   * torchvision's {@code _make_divisible}: the multiple of {@code divisor} nearest to {@code v}
   * (halves round up), at least {@code divisor}, and not more than 10% below {@code v}.
   */
  static int makeDivisible(double v, int divisor) {
    int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
    return rounded < 0.9 * v ? rounded + divisor : rounded;
  }

  private static String invertedResidual(GraphBuilder b, String name, String x, int out, int stride, int expand) {
    int in = b.channels(x);
    int hidden = in * expand;
    String y = x;
    int layer = 0;
    if (expand != 1) {
      y = convBnRelu6(b, name + ".conv." + layer++, y, hidden, 1, 1, 1);
    }
    y = convBnRelu6(b, name + ".conv." + layer++, y, hidden, 3, stride, hidden);
    y = b.add(name + ".conv." + layer++, Conv.of(out, 1, 1, 0), y);
    y = b.add(name + ".conv." + layer, BatchNormalization.standard(), y);
    return stride == 1 && in == out ? b.add(name + ".add", new Add(), x, y) : y;
  }

  /** torchvision's {@code Conv2dNormActivation}: {@code <name>.0} conv, {@code .1} BN, {@code .2} ReLU6. */
  private static String convBnRelu6(GraphBuilder b, String name, String x, int out, int kernel, int stride, int groups) {
    String y = b.add(name + ".0", Conv.of(out, kernel, stride, (kernel - 1) / 2).withGroups(groups), x);
    y = b.add(name + ".1", BatchNormalization.standard(), y);
    return b.add(name + ".2", Clip.relu6(), y);
  }
}
