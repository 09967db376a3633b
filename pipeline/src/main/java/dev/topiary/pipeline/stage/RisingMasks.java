package dev.topiary.pipeline.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.sparse.MagnitudePruner;
import dev.topiary.engine.prune.sparse.SparsityMask;
import dev.topiary.engine.prune.sparse.SparsityRules;
import dev.topiary.engine.train.MaskUpdate;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A {@link dev.topiary.pipeline.plan.PlanStep.GradualTune}'s masks: before epoch {@code e}, every
 * Conv and Gemm weight is pruned by magnitude to {@code sparsityPerEpoch[e]} whenever that rises
 * (zeros count as the smallest, so earlier cuts stay). After a resume the first epoch recomputes
 * the masks from the restored weights, which gives the same masks. Holds the last masks for the
 * step's output. One instance per run.
 */
final class RisingMasks implements MaskUpdate {
  private final Model start;
  private final List<Double> sparsityPerEpoch;
  private SparsityMask current;
  private double applied;

  RisingMasks(Model start, List<Double> sparsityPerEpoch) {
    this.start = start;
    this.sparsityPerEpoch = List.copyOf(sparsityPerEpoch);
  }

  @Override
  public Map<String, NDArray> masksFor(int epoch, Map<String, Parameter> parameters, NDManager manager) {
    double s = sparsityPerEpoch.get(epoch);
    if (s == 0 || (current != null && s <= applied)) {
      return null;
    }
    Weights now = new Weights();
    parameters.forEach((name, p) -> now.put(ParamKey.parse(name),
        new Tensor(Arrays.stream(p.getArray().getShape().getShape()).mapToInt(Math::toIntExact).toArray(), p.getArray().toFloatArray())));
    current = MagnitudePruner.layerwise(start.withWeights(now), SparsityRules.uniform(s));
    applied = s;
    return current.toNDArrays(manager);
  }

  /** The masks of the last update; null while none was made (all sparsities 0). */
  SparsityMask current() {
    return current;
  }
}
