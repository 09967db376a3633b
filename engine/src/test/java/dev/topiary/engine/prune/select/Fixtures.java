package dev.topiary.engine.prune.select;

import dev.topiary.engine.graph.Add;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.GlobalAveragePool;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.MaxPool;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.graph.ZeroPadShortcut;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/** Tiny graphs, random weights and scores for the selector tests. */
final class Fixtures {
  private Fixtures() {}

  /** A VGG-like chain: conv0 (10), conv1 (16), pool, conv2 (12), conv3 (8), global pool, fc. */
  static Graph vgg() {
    GraphBuilder b = Graph.builder("vgg");
    b.input("input", 3, 8, 8);
    b.add("conv0", Conv.of(10, 3, 1, 1), "input");
    b.add("bn0", BatchNormalization.standard(), "conv0");
    b.add("relu0", new Relu(), "bn0");
    b.add("conv1", Conv.of(16, 3, 1, 1), "relu0");
    b.add("bn1", BatchNormalization.standard(), "conv1");
    b.add("relu1", new Relu(), "bn1");
    b.add("pool1", MaxPool.of(2, 2), "relu1");
    b.add("conv2", Conv.of(12, 3, 1, 1), "pool1");
    b.add("relu2", new Relu(), "conv2");
    b.add("conv3", Conv.of(8, 3, 1, 1), "relu2");
    b.add("relu3", new Relu(), "conv3");
    b.add("gap", new GlobalAveragePool(), "relu3");
    b.add("flat", new Flatten(), "gap");
    b.add("fc", new Gemm(10, true), "flat");
    return b.output("fc").build();
  }

  /** A wider chain (32, 64, 48 channels) for rounding to multiples of 8. */
  static Graph wide() {
    GraphBuilder b = Graph.builder("wide");
    b.input("input", 3, 4, 4);
    b.add("c1", Conv.of(32, 3, 1, 1), "input");
    b.add("r1", new Relu(), "c1");
    b.add("c2", Conv.of(64, 3, 1, 1), "r1");
    b.add("r2", new Relu(), "c2");
    b.add("c3", Conv.of(48, 1, 1, 0), "r2");
    b.add("gap", new GlobalAveragePool(), "c3");
    b.add("flat", new Flatten(), "gap");
    b.add("fc", new Gemm(10, true), "flat");
    return b.output("fc").build();
  }

  /**
   * Two stages of option-A residual blocks (4 then 8 channels), as in HRank's resnet_56: conv order
   * stem, b1.conv1, b1.conv2, b2.conv1, b2.conv2. Groups: stage 1 (stem, b1.conv2, b2.conv2's middle
   * channels), b1.conv1, b2.conv1, and the 4 channels b2's shortcut pads (b2.conv2).
   */
  static Graph resnet() {
    GraphBuilder b = Graph.builder("resA");
    b.input("input", 3, 8, 8);
    b.add("stem", Conv.of(4, 3, 1, 1), "input");
    b.add("stem.bn", BatchNormalization.standard(), "stem");
    b.add("stem.relu", new Relu(), "stem.bn");
    b.add("b1.conv1", Conv.of(4, 3, 1, 1), "stem.relu");
    b.add("b1.relu", new Relu(), "b1.conv1");
    b.add("b1.conv2", Conv.of(4, 3, 1, 1), "b1.relu");
    b.add("b1.bn2", BatchNormalization.standard(), "b1.conv2");
    b.add("b1.add", new Add(), "b1.bn2", "stem.relu");
    b.add("b2.conv1", Conv.of(8, 3, 2, 1), "b1.add");
    b.add("b2.relu", new Relu(), "b2.conv1");
    b.add("b2.conv2", Conv.of(8, 3, 1, 1), "b2.relu");
    b.add("b2.short", new ZeroPadShortcut(2, 2, 2), "b1.add");
    b.add("b2.add", new Add(), "b2.conv2", "b2.short");
    b.add("gap", new GlobalAveragePool(), "b2.add");
    b.add("flat", new Flatten(), "gap");
    b.add("fc", new Gemm(10, true), "flat");
    return b.output("fc").build();
  }

  /**
   * HRank's CIFAR ResNet (models/resnet_cifar.py) for depth 6n + 2: conv1, then layer1..3 of n
   * basic blocks (conv1, bn1, relu1, conv2, bn2, + option-A shortcut padding planes / 4 each side).
   */
  static Graph hrankResNet(int depth) {
    int n = (depth - 2) / 6;
    GraphBuilder b = Graph.builder("resnet_" + depth);
    b.input("input", 3, 32, 32);
    b.add("conv1", Conv.of(16, 3, 1, 1), "input");
    b.add("bn1", BatchNormalization.standard(), "conv1");
    String x = b.add("relu", new Relu(), "bn1");
    int inplanes = 16;
    for (int stage = 1; stage <= 3; stage++) {
      int planes = 16 << (stage - 1);
      for (int i = 0; i < n; i++) {
        int stride = stage > 1 && i == 0 ? 2 : 1;
        String p = "layer" + stage + "." + i + ".";
        b.add(p + "conv1", Conv.of(planes, 3, stride, 1), x);
        b.add(p + "bn1", BatchNormalization.standard(), p + "conv1");
        b.add(p + "relu1", new Relu(), p + "bn1");
        b.add(p + "conv2", Conv.of(planes, 3, 1, 1), p + "relu1");
        b.add(p + "bn2", BatchNormalization.standard(), p + "conv2");
        String shortcut = x;
        if (stride != 1 || inplanes != planes) {
          shortcut = b.add(p + "shortcut", new ZeroPadShortcut(2, planes / 4, planes / 4), x);
        }
        b.add(p + "add", new Add(), p + "bn2", shortcut);
        x = b.add(p + "relu2", new Relu(), p + "add");
        inplanes = planes;
      }
    }
    b.add("avgpool", new GlobalAveragePool(), x);
    b.add("flat", new Flatten(), "avgpool");
    b.add("fc", new Gemm(10, true), "flat");
    return b.output("fc").build();
  }

  /** A model with random weights (positive running variances). */
  static Model randomModel(Graph g, long seed) {
    Random r = new Random(seed);
    Weights w = new Weights();
    for (Map.Entry<ParamKey, int[]> e : g.paramShapes().entrySet()) {
      Tensor t = Tensor.zeros(e.getValue());
      float[] d = t.data();
      for (int i = 0; i < d.length; i++) {
        d[i] = e.getKey().role() == ParamRole.RUNNING_VAR ? 0.5f + r.nextFloat() : r.nextFloat() - 0.5f;
      }
      w.put(e.getKey(), t);
    }
    return new Model(g, w);
  }

  /** Distinct random scores in [0, 1) for every group. */
  static Map<Integer, float[]> randomScores(DependencyGraph d, long seed) {
    Random r = new Random(seed);
    Map<Integer, float[]> s = new HashMap<>();
    for (ChannelGroup g : d.groups()) {
      float[] v = new float[g.units()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextFloat();
      }
      s.put(g.id(), v);
    }
    return s;
  }
}
