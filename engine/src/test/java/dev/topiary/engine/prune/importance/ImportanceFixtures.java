package dev.topiary.engine.prune.importance;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.EpochData;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Models with hand-set weights and hand-made batches for the importance tests. */
final class ImportanceFixtures {
  private ImportanceFixtures() {}

  /**
   * A model whose tensors are the given values; every other tensor is neutral: zero weights and
   * biases, BN gamma 1, beta 0, mean 0, var 1.
   */
  static Model model(Graph g, Map<ParamKey, float[]> values) {
    Weights w = new Weights();
    for (Map.Entry<ParamKey, int[]> e : g.paramShapes().entrySet()) {
      float[] given = values.get(e.getKey());
      Tensor t = given != null ? new Tensor(e.getValue(), given.clone()) : Tensor.zeros(e.getValue());
      if (given == null && (e.getKey().role() == ParamRole.GAMMA || e.getKey().role() == ParamRole.RUNNING_VAR)) {
        Arrays.fill(t.data(), 1f);
      }
      w.put(e.getKey(), t);
    }
    for (ParamKey k : values.keySet()) {
      if (!g.paramShapes().containsKey(k)) {
        throw new AssertionError("graph has no parameter " + k);
      }
    }
    return new Model(g, w);
  }

  static ParamKey weight(String node) {
    return new ParamKey(node, ParamRole.WEIGHT);
  }

  /** One batch per entry: images of per-sample shape {@code sample} (row-major) and labels. */
  record HandBatch(float[] images, int[] labels) {}

  /** Data that yields the given batches on every epoch. */
  static EpochData batches(int[] sample, List<HandBatch> batches) {
    return (epoch, manager) -> {
      List<NDList> out = new ArrayList<>();
      for (HandBatch b : batches) {
        long[] dims = new long[sample.length + 1];
        dims[0] = b.labels().length;
        for (int i = 0; i < sample.length; i++) {
          dims[i + 1] = sample[i];
        }
        out.add(new NDList(manager.create(b.images(), new Shape(dims)), manager.create(b.labels())));
      }
      return out;
    };
  }
}
