package dev.topiary.engine.zoo;

import dev.topiary.engine.graph.Add;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Concat;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.MaxPool;
import dev.topiary.engine.graph.SiLU;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.graph.Upsample;

/**
 * YOLOv5 v6.x ({@code models/yolov5*.yaml}, {@code models/common.py}): the CSP-Darknet backbone
 * with SPPF, the PANet neck, and optionally the Detect head's three 1x1 convolutions. The graph
 * outputs are the neck's P3, P4 and P5 feature maps (strides 8, 16, 32), or the three head convs.
 * The anchor decoding of Detect is post-processing and not part of the graph.
 *
 * <p>Building blocks, as in {@code common.py}: {@code Conv} is a bias-free conv with padding
 * {@code k // 2} ({@code <m>.conv}), BN with epsilon 1e-3 and momentum 0.03 ({@code <m>.bn}) and
 * SiLU ({@code <m>.act}); {@code C3} runs {@code cv1} then {@code n} Bottlenecks ({@code m.<i>}:
 * 1x1 {@code cv1}, 3x3 {@code cv2}, plus the input when {@code shortcut}) alongside {@code cv2},
 * concatenates both ({@code <m>.cat}) and fuses them with {@code cv3}; {@code SPPF} is {@code cv1},
 * one 5x5 stride-1 max pool applied three times in a chain ({@code m.0} to {@code m.2}), the
 * concatenation of all four, and {@code cv2}. Node names carry the YAML layer index: {@code
 * model.2.m.0.cv1.conv}, {@code model.24.m.1}.
 *
 * <p>The five scales differ only in their depth multiple (C3 repeats, {@code max(round(n * d), 1)})
 * and width multiple (channels rounded up to a multiple of 8). With 80 classes, yolov5s (0.33,
 * 0.50) has 7,235,389 parameters as built and 7,225,885 with BN folded, the figures Ultralytics
 * prints; yolov5n (0.33, 0.25) 1,872,157 and 1,867,405. Without the head yolov5s has 6,996,640,
 * the difference being the head's {@code (128 + 256 + 512 + 3) * 255} weights and biases.
 */
final class YoloV5 {
  /** Depth and width multiples of {@code models/yolov5{n,s,m,l,x}.yaml}. */
  enum Scale {
    N(0.33, 0.25),
    S(0.33, 0.50),
    M(0.67, 0.75),
    L(1.0, 1.0),
    X(1.33, 1.25);

    final double depth;
    final double width;

    Scale(double depth, double width) {
      this.depth = depth;
      this.width = width;
    }
  }

  private static final int ANCHORS_PER_LEVEL = 3;
  private static final int BOX_AND_OBJECTNESS = 5;
  private static final int MAX_STRIDE = 32;

  private final GraphBuilder b;
  private final Scale scale;

  private YoloV5(GraphBuilder b, Scale scale) {
    this.b = b;
    this.scale = scale;
  }

  static Graph build(ModelSpec spec, Scale scale, boolean detect) {
    TensorShape in = spec.inputShapeOr(3, 640, 640);
    if (in.height() % MAX_STRIDE != 0 || in.width() % MAX_STRIDE != 0) {
      throw new IllegalArgumentException("inputShape: height and width must be multiples of " + MAX_STRIDE
          + " for " + spec.arch() + " (the neck concatenates stride-32 and upsampled maps), got " + in);
    }
    GraphBuilder b = Graph.builder(spec.arch());
    String[] levels = new YoloV5(b, scale).backboneAndNeck(b.input("input", in.toArray()));
    if (!detect) {
      for (String level : levels) {
        b.output(level);
      }
      return b.build();
    }
    int perAnchor = BOX_AND_OBJECTNESS + spec.numClassesOr(80);
    for (int i = 0; i < levels.length; i++) {
      b.output(b.add("model.24.m." + i, Conv.of(ANCHORS_PER_LEVEL * perAnchor, 1, 1, 0).withBias(true), levels[i]));
    }
    return b.build();
  }

  /** Layers 0 to 23 of the YAML; returns P3, P4, P5. */
  private String[] backboneAndNeck(String input) {
    String x = conv("model.0", input, 64, 6, 2, 2);
    x = conv("model.1", x, 128, 3, 2, 1);
    x = c3("model.2", x, 128, 3, true);
    x = conv("model.3", x, 256, 3, 2, 1);
    String c4 = c3("model.4", x, 256, 6, true);
    x = conv("model.5", c4, 512, 3, 2, 1);
    String c6 = c3("model.6", x, 512, 9, true);
    x = conv("model.7", c6, 1024, 3, 2, 1);
    x = c3("model.8", x, 1024, 3, true);
    x = sppf("model.9", x, 1024);
    String c10 = conv("model.10", x, 512, 1, 1, 0);
    x = b.add("model.11", new Upsample(2), c10);
    x = b.add("model.12", new Concat(), x, c6);
    x = c3("model.13", x, 512, 3, false);
    String c14 = conv("model.14", x, 256, 1, 1, 0);
    x = b.add("model.15", new Upsample(2), c14);
    x = b.add("model.16", new Concat(), x, c4);
    String p3 = c3("model.17", x, 256, 3, false);
    x = conv("model.18", p3, 256, 3, 2, 1);
    x = b.add("model.19", new Concat(), x, c14);
    String p4 = c3("model.20", x, 512, 3, false);
    x = conv("model.21", p4, 512, 3, 2, 1);
    x = b.add("model.22", new Concat(), x, c10);
    String p5 = c3("model.23", x, 1024, 3, false);
    return new String[] {p3, p4, p5};
  }

  /** {@code Conv(c1, c2, k, s, p)} with the YAML width scaled. */
  private String conv(String name, String x, int yamlWidth, int kernel, int stride, int padding) {
    return convBnSilu(name, x, width(yamlWidth), kernel, stride, padding);
  }

  private String convBnSilu(String name, String x, int out, int kernel, int stride, int padding) {
    String y = b.add(name + ".conv", Conv.of(out, kernel, stride, padding), x);
    y = b.add(name + ".bn", new BatchNormalization(1e-3, 0.03), y);
    return b.add(name + ".act", new SiLU(), y);
  }

  private String c3(String name, String x, int yamlWidth, int yamlRepeats, boolean shortcut) {
    int out = width(yamlWidth);
    int hidden = out / 2;
    String m = convBnSilu(name + ".cv1", x, hidden, 1, 1, 0);
    for (int i = 0; i < depth(yamlRepeats); i++) {
      m = bottleneck(name + ".m." + i, m, hidden, shortcut);
    }
    String side = convBnSilu(name + ".cv2", x, hidden, 1, 1, 0);
    String cat = b.add(name + ".cat", new Concat(), m, side);
    return convBnSilu(name + ".cv3", cat, out, 1, 1, 0);
  }

  /** C3's Bottleneck with expansion 1.0: the hidden width equals the output width. */
  private String bottleneck(String name, String x, int out, boolean shortcut) {
    String y = convBnSilu(name + ".cv1", x, out, 1, 1, 0);
    y = convBnSilu(name + ".cv2", y, out, 3, 1, 1);
    return shortcut && b.channels(x) == out ? b.add(name + ".add", new Add(), x, y) : y;
  }

  private String sppf(String name, String x, int yamlWidth) {
    int hidden = b.channels(x) / 2;
    String y0 = convBnSilu(name + ".cv1", x, hidden, 1, 1, 0);
    String y1 = b.add(name + ".m.0", MaxPool.of(5, 1, 2), y0);
    String y2 = b.add(name + ".m.1", MaxPool.of(5, 1, 2), y1);
    String y3 = b.add(name + ".m.2", MaxPool.of(5, 1, 2), y2);
    String cat = b.add(name + ".cat", new Concat(), y0, y1, y2, y3);
    return convBnSilu(name + ".cv2", cat, width(yamlWidth), 1, 1, 0);
  }

  /** {@code make_divisible(c * width_multiple, 8)}: rounded up to a multiple of 8. */
  private int width(int yamlWidth) {
    return (int) Math.ceil(yamlWidth * scale.width / 8) * 8;
  }

  /** {@code max(round(n * depth_multiple), 1)}. */
  private int depth(int yamlRepeats) {
    return Math.max((int) Math.round(yamlRepeats * scale.depth), 1);
  }
}
