package dev.topiary.engine.prune.schedule;

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
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntToDoubleFunction;

/**
 * The masks of gradual magnitude pruning: before epoch {@code e}, whenever the target {@code
 * sparsityAt(e)} rises, every selected weight is pruned by magnitude (zeros count as the smallest,
 * so earlier cuts stay). With per-layer final targets, layer {@code l} is pruned to {@code
 * final(l) * sparsityAt(e) / lastSparsity}; without, every Conv and Gemm weight to {@code
 * sparsityAt(e)}. After a resume the first epoch recomputes the masks from the restored weights,
 * which gives the same masks. One instance per training run.
 */
public final class RisingMasks implements MaskUpdate {
  /** One mask update: the epoch it precedes, the target and the masks. */
  public record Update(int epoch, double sparsity, SparsityMask mask) {}

  private final Model start;
  private final IntToDoubleFunction sparsityAt;
  private final Map<String, Double> finals;
  private final double lastSparsity;
  private final Consumer<Update> onUpdate;
  private SparsityMask current;
  private double applied;

  /**
   * @param start the model being trained (its graph and history; weights come from the run)
   * @param finals per-layer final sparsities by node (e.g. {@code SparsityRules.resolve}), or null
   * @param lastSparsity the target at the last epoch, the reference for scaling {@code finals}
   * @param onUpdate told of each update; may be null
   */
  public RisingMasks(Model start, IntToDoubleFunction sparsityAt, Map<String, Double> finals, double lastSparsity, Consumer<Update> onUpdate) {
    this.start = start;
    this.sparsityAt = sparsityAt;
    this.finals = finals;
    this.lastSparsity = lastSparsity;
    this.onUpdate = onUpdate;
  }

  @Override
  public Map<String, NDArray> masksFor(int epoch, Map<String, Parameter> parameters, NDManager manager) {
    double s = sparsityAt.applyAsDouble(epoch);
    if (s == 0 || (current != null && s <= applied)) {
      return null;
    }
    current = MagnitudePruner.layerwise(start.withWeights(weightsOf(parameters)), rulesAt(s));
    applied = s;
    if (onUpdate != null) {
      onUpdate.accept(new Update(epoch, s, current));
    }
    return current.toNDArrays(manager);
  }

  /** The masks of the last update; null while none was made. */
  public SparsityMask current() {
    return current;
  }

  private SparsityRules rulesAt(double s) {
    if (finals == null) {
      return SparsityRules.uniform(s);
    }
    SparsityRules.Builder b = SparsityRules.builder();
    finals.forEach((node, target) -> b.add("node:" + node, lastSparsity == 0 ? 0 : target * s / lastSparsity));
    return b.build();
  }

  private static Weights weightsOf(Map<String, Parameter> parameters) {
    Weights w = new Weights();
    parameters.forEach((name, p) -> w.put(ParamKey.parse(name),
        new Tensor(Arrays.stream(p.getArray().getShape().getShape()).mapToInt(Math::toIntExact).toArray(), p.getArray().toFloatArray())));
    return w;
  }
}
