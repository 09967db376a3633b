package dev.topiary.engine.prune.sparse;

import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Unstructured magnitude pruning (Han et al. 2015, as Paddle's {@code StaticPruningHook}): the
 * weights of smallest absolute value are pruned. Returns a {@link SparsityMask}; {@link
 * SparsityMask#applyTo} zeroes them. Stateless.
 *
 * <p>Exact counts. A layer of {@code n} weights at sparsity {@code s} loses {@code floor(s * n)}
 * weights, the product taken on the decimal value of {@code s} as written (so 0.29 of 100 weights
 * is 29, not the 28 that binary floating point would give). Since {@code s < 1}, a layer-wise
 * prune never empties a layer. Equal magnitudes are pruned in order of position: the lower
 * row-major index first (and, globally, the earlier layer in topological order first). NaN counts
 * as the largest magnitude. Weights that are already zero are the smallest, so pruning a pruned
 * model again at a higher sparsity keeps the earlier zeros: what gradual schedules rely on.
 */
public final class MagnitudePruner {
  private MagnitudePruner() {}

  /**
   * Prunes each layer the rules select to its own sparsity; other layers are not in the mask.
   *
   * @throws dev.topiary.engine.InvalidPruningConfigException when a rule names a node or ordinal
   *     the model's graph lacks
   */
  public static SparsityMask layerwise(Model model, SparsityRules rules) {
    Map<ParamKey, int[]> prunable = PrunableWeights.of(model.graph());
    Map<ParamKey, int[]> shapes = new LinkedHashMap<>();
    Map<ParamKey, boolean[]> keep = new LinkedHashMap<>();
    rules.resolve(model.graph()).forEach((node, sparsity) -> {
      ParamKey k = new ParamKey(node, ParamRole.WEIGHT);
      float[] w = model.weights().get(k).data();
      shapes.put(k, prunable.get(k));
      keep.put(k, keepLargest(w, zerosFor(w.length, sparsity)));
    });
    return SparsityMask.trusted(shapes, keep);
  }

  /** {@link #global(Model, double, List)} over every Conv and Gemm. */
  public static SparsityMask global(Model model, double sparsity) {
    return global(model, sparsity, List.of(LayerSelector.all()));
  }

  /**
   * One sparsity over all selected layers together, by a global magnitude threshold: the {@code
   * floor(s * N)} smallest of the {@code N} selected weights are pruned, wherever they are, so
   * layers of small weights lose more (one may even lose all; the report shows it).
   *
   * @throws dev.topiary.engine.InvalidPruningConfigException when the sparsity is outside {@code
   *     [0, 1)} or a selector names a node or ordinal the graph lacks
   */
  public static SparsityMask global(Model model, double sparsity, List<LayerSelector> layers) {
    SparsityRules.requireSparsity(sparsity, "global pruning of " + layers);
    Set<String> selected = new LinkedHashSet<>();
    layers.forEach(s -> selected.addAll(s.select(model.graph())));
    Map<ParamKey, int[]> shapes = new LinkedHashMap<>();
    PrunableWeights.of(model.graph()).forEach((k, shape) -> {
      if (selected.contains(k.node())) {
        shapes.put(k, shape);
      }
    });
    long total = shapes.values().stream().mapToLong(PrunableWeights::size).sum();
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("layers: " + total + " weights are more than global pruning sorts in one array");
    }
    long[] keys = new long[(int) total];
    int offset = 0;
    for (ParamKey k : shapes.keySet()) {
      float[] w = model.weights().get(k).data();
      for (int i = 0; i < w.length; i++) {
        keys[offset + i] = key(w[i], offset + i);
      }
      offset += w.length;
    }
    Arrays.sort(keys);
    boolean[] all = new boolean[keys.length];
    Arrays.fill(all, true);
    long zeros = zerosFor(total, sparsity);
    for (int i = 0; i < zeros; i++) {
      all[(int) (keys[i] & 0xFFFF_FFFFL)] = false;
    }
    Map<ParamKey, boolean[]> keep = new LinkedHashMap<>();
    offset = 0;
    for (Map.Entry<ParamKey, int[]> e : shapes.entrySet()) {
      int n = PrunableWeights.size(e.getValue());
      keep.put(e.getKey(), Arrays.copyOfRange(all, offset, offset + n));
      offset += n;
    }
    return SparsityMask.trusted(shapes, keep);
  }

  /** How many of {@code n} weights sparsity {@code s} prunes: {@code floor(s * n)} on the decimal {@code s}. */
  public static long zerosFor(long n, double sparsity) {
    SparsityRules.requireSparsity(sparsity, "zerosFor");
    return BigDecimal.valueOf(sparsity).multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.FLOOR).longValueExact();
  }

  /** Flags keeping all but the {@code zeros} smallest magnitudes (ties: lower index pruned first). */
  static boolean[] keepLargest(float[] w, long zeros) {
    long[] keys = new long[w.length];
    for (int i = 0; i < w.length; i++) {
      keys[i] = key(w[i], i);
    }
    Arrays.sort(keys);
    boolean[] keep = new boolean[w.length];
    Arrays.fill(keep, true);
    for (int i = 0; i < zeros; i++) {
      keep[(int) (keys[i] & 0xFFFF_FFFFL)] = false;
    }
    return keep;
  }

  /**
   * A sort key ordering by magnitude, then position: the bits of a non-negative float order as
   * its value (NaN above infinity), so they fill the high half and the position the low half.
   */
  static long key(float value, long position) {
    return ((long) Float.floatToIntBits(Math.abs(value)) << 32) | position;
  }
}
