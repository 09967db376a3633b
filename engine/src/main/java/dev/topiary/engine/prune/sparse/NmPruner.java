package dev.topiary.engine.prune.sparse;

import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * N:M structured sparsity (NVIDIA's 2:4 for sparse Tensor Cores): in every run of {@code M}
 * consecutive weights along the input-channel dimension, the {@code N} of largest magnitude are
 * kept. For a Conv weight {@code [out, in/groups, kh, kw]} the runs are, for each {@code (out, kh,
 * kw)}, channels {@code 0..M-1}, {@code M..2M-1}, ... of dimension 1; for a Gemm weight {@code
 * [out, in]} they run along {@code in}. This is how NVIDIA ASP prunes (it views a conv weight as
 * {@code K x CRS} and prunes along {@code C}). Equal magnitudes: the lower channel is pruned first.
 *
 * <p>Layers whose input channels per group are not a multiple of {@code M} are skipped whole, as
 * ASP skips layers it cannot sparsify, and reported in {@link NmPruning#skipped()}: for example
 * LeNet's first conv (1 input channel) and every depthwise conv. {@link #withAspShapeCheck()}
 * also skips what ASP's Tensor Core check skips: output channels not a multiple of 8 or input
 * channels not a multiple of 16. Immutable.
 */
public final class NmPruner {
  private final int n;
  private final int m;
  private final boolean aspShapeCheck;

  private NmPruner(int n, int m, boolean aspShapeCheck) {
    if (m < 2) {
      throw new IllegalArgumentException("m: must be at least 2, got " + m);
    }
    if (n < 1 || n >= m) {
      throw new IllegalArgumentException("n: must be in [1, m) = [1, " + m + "), got " + n);
    }
    this.n = n;
    this.m = m;
    this.aspShapeCheck = aspShapeCheck;
  }

  /** Keeps {@code n} of every {@code m}. */
  public static NmPruner of(int n, int m) {
    return new NmPruner(n, m, false);
  }

  /** 2:4, the pattern sparse Tensor Cores run. */
  public static NmPruner twoFour() {
    return of(2, 4);
  }

  /** The same pattern, also skipping layers that fail ASP's Tensor Core shape check. */
  public NmPruner withAspShapeCheck() {
    return new NmPruner(n, m, true);
  }

  public int n() {
    return n;
  }

  public int m() {
    return m;
  }

  /**
   * The result of N:M pruning: the mask of the pruned layers and, for each skipped layer, why.
   *
   * @param mask pruned layers only; skipped ones are not in it
   * @param skipped by weight, the reason it was left dense, in topological order
   */
  public record NmPruning(SparsityMask mask, Map<ParamKey, String> skipped) {
    public NmPruning {
      skipped = Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
    }
  }

  /** Prunes every Conv and Gemm that fits the pattern. */
  public NmPruning prune(Model model) {
    return prune(model, List.of(LayerSelector.all()));
  }

  /**
   * Prunes the selected layers that fit the pattern.
   *
   * @throws dev.topiary.engine.InvalidPruningConfigException when a selector names a node or
   *     ordinal the graph lacks
   */
  public NmPruning prune(Model model, List<LayerSelector> layers) {
    Set<String> selected = new LinkedHashSet<>();
    layers.forEach(s -> selected.addAll(s.select(model.graph())));
    Map<ParamKey, int[]> shapes = new LinkedHashMap<>();
    Map<ParamKey, boolean[]> keep = new LinkedHashMap<>();
    Map<ParamKey, String> skipped = new LinkedHashMap<>();
    PrunableWeights.of(model.graph()).forEach((k, shape) -> {
      if (!selected.contains(k.node())) {
        return;
      }
      String why = skipReason(shape);
      if (why != null) {
        skipped.put(k, why);
      } else {
        shapes.put(k, shape);
        keep.put(k, keep(model.weights().get(k).data(), shape));
      }
    });
    return new NmPruning(SparsityMask.trusted(shapes, keep), skipped);
  }

  private String skipReason(int[] shape) {
    int in = shape[1];
    if (in % m != 0) {
      return n + ":" + m + " needs input channels per group in multiples of " + m + ", weight has " + in + " (shape " + Arrays.toString(shape) + ")";
    }
    if (aspShapeCheck && (shape[0] % 8 != 0 || in % 16 != 0)) {
      return "ASP Tensor Core check needs output channels in multiples of 8 and input channels in multiples of 16 (shape " + Arrays.toString(shape) + ")";
    }
    return null;
  }

  /** Flags for one weight whose dimension 1 is a multiple of {@code m}. */
  private boolean[] keep(float[] w, int[] shape) {
    int out = shape[0];
    int in = shape[1];
    int spatial = w.length / (out * in); // kh * kw for Conv, 1 for Gemm
    boolean[] keep = new boolean[w.length];
    Arrays.fill(keep, true);
    long[] run = new long[m];
    for (int o = 0; o < out; o++) {
      for (int pos = 0; pos < spatial; pos++) {
        for (int c0 = 0; c0 < in; c0 += m) {
          for (int j = 0; j < m; j++) {
            int index = ((o * in) + c0 + j) * spatial + pos;
            run[j] = MagnitudePruner.key(w[index], index);
          }
          Arrays.sort(run);
          for (int j = 0; j < m - n; j++) {
            keep[(int) (run[j] & 0xFFFF_FFFFL)] = false;
          }
        }
      }
    }
    return keep;
  }

  @Override
  public String toString() {
    return n + ":" + m + (aspShapeCheck ? " (ASP shape check)" : "");
  }
}
