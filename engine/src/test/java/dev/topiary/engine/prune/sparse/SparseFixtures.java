package dev.topiary.engine.prune.sparse;

import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.Hw;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.util.Map;
import java.util.Random;

/** Tiny graphs and random weights for the sparse tests; no engine needed. */
final class SparseFixtures {
  private SparseFixtures() {}

  /**
   * input [8, 3, 3] - conv1 (2 out, 1x2 kernel, weight [2, 8, 1, 2]) - bn1 - relu - flatten
   * (2*3*2 = 12) - fc (3 out, weight [3, 12]).
   */
  static Graph tinyGraph() {
    GraphBuilder b = Graph.builder("tiny");
    String x = b.input("input", 8, 3, 3);
    x = b.add("conv1", new Conv(2, new Hw(1, 2), Hw.square(1), Hw.square(0), Hw.square(1), 1, true), x);
    x = b.add("bn1", BatchNormalization.standard(), x);
    x = b.add("relu", new Relu(), x);
    x = b.add("flatten", new Flatten(), x);
    x = b.add("fc", new Gemm(3, true), x);
    return b.output(x).build();
  }

  /** Gaussian weights, positive running variances, from {@code seed}. */
  static Model randomModel(Graph g, long seed) {
    Random r = new Random(seed);
    Weights w = new Weights();
    for (Map.Entry<ParamKey, int[]> e : g.paramShapes().entrySet()) {
      Tensor t = Tensor.zeros(e.getValue());
      float[] d = t.data();
      for (int i = 0; i < d.length; i++) {
        d[i] = e.getKey().role() == ParamRole.RUNNING_VAR ? 0.5f + r.nextFloat() : (float) r.nextGaussian();
      }
      w.put(e.getKey(), t);
    }
    return new Model(g, w);
  }

  /** A deep copy of {@code m} with one weight's values replaced. */
  static Model withValues(Model m, String node, float... values) {
    Weights w = new Weights();
    for (ParamKey k : m.weights().keys()) {
      w.put(k, m.weights().get(k).copy());
    }
    ParamKey k = weight(node);
    w.put(k, new Tensor(m.weights().get(k).shape(), values));
    return m.withWeights(w);
  }

  static ParamKey weight(String node) {
    return new ParamKey(node, ParamRole.WEIGHT);
  }

  static long zeros(Model m, String node) {
    long n = 0;
    for (float v : m.weights().get(weight(node)).data()) {
      if (v == 0f) {
        n++;
      }
    }
    return n;
  }
}
