package dev.topiary.engine.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphInput;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.weights.Weights;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Models with non-trivial weights, seeded inputs and DJL's outputs, shared by model and format tests. */
public final class ModelFixtures {
  private ModelFixtures() {}

  /**
   * PyTorch-default initialisation from {@code seed}, plus BN statistics, gammas and betas away from
   * their defaults (a freshly initialised BN is an identity in eval mode, which would hide a wrong
   * fold or a wrong export of its parameters).
   */
  public static Model randomised(Graph g, long seed) {
    Weights w;
    try (NDManager m = NDManager.newBaseManager()) {
      GraphBlock block = new GraphBlock(g, seed);
      block.initialize(m);
      w = BlockWeights.export(block);
    }
    Random r = new Random(seed);
    for (ParamKey k : List.copyOf(w.keys())) {
      float[] d = w.get(k).data();
      for (int i = 0; i < d.length; i++) {
        d[i] = switch (k.role()) {
          case RUNNING_VAR, GAMMA -> 0.5f + r.nextFloat();
          case RUNNING_MEAN, BETA -> (r.nextFloat() - 0.5f) * 0.4f;
          case VALUE -> (float) r.nextGaussian();
          default -> d[i];
        };
      }
    }
    return new Model(g, w);
  }

  /** {@code batch} samples of the graph's only input, standard normal, row-major. */
  public static float[] input(Graph g, int batch, long seed) {
    GraphInput in = g.inputs().get(0);
    float[] x = new float[(int) (batch * in.shape().size())];
    Random r = new Random(seed);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  /** DJL's eval-mode outputs of the model for a batch of its only input, by output name. */
  public static Map<String, float[]> djlOutputs(Model model, float[] x, int batch) {
    try (NDManager m = NDManager.newBaseManager()) {
      GraphBlock block = BlockWeights.load(model, m);
      Graph g = model.graph();
      NDList out = block.infer(new NDList(m.create(x, g.inputs().get(0).shape().withBatch(batch))));
      Map<String, float[]> byName = new LinkedHashMap<>();
      for (int i = 0; i < g.outputs().size(); i++) {
        byName.put(g.outputs().get(i), out.get(i).toFloatArray());
      }
      return byName;
    }
  }

  /** max |expected - actual| / max(1, max |expected|): the error relative to the output's scale. */
  public static double relativeDifference(float[] expected, float[] actual) {
    if (expected.length != actual.length) {
      throw new AssertionError("sizes differ: expected " + expected.length + " values, got " + actual.length);
    }
    double scale = 1;
    double diff = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      diff = Math.max(diff, Math.abs((double) expected[i] - actual[i]));
    }
    return Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / scale;
  }

  /** Number of nodes of the graph with this op type. */
  public static long count(Graph g, OpType type) {
    return g.nodes().stream().filter(n -> n.type() == type).count();
  }
}
