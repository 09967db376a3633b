package dev.topiary.engine.prune.importance;

import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.weights.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * L1 or L2 norm of filters (Li et al. 2017, NNI's L1NormPruner, Torch-Pruning's magnitude
 * importance). A unit's score is the sum, over the group's producers (Conv and Gemm, depthwise
 * convs included), of the norm of the producer's output slice {@code weight[c]} for each of the
 * unit's channels c. By default only producers count, as in HRank's and NNI's per-conv filter
 * norms; {@link #MagnitudeImportance(Norm, boolean) with consumers}, the norms of each consumer's
 * input slice {@code weight[:, c]} are added too (Torch-Pruning's full-group variant). Biases are
 * left out. Needs no data.
 */
public final class MagnitudeImportance implements Importance {
  /** Which norm of a slice. */
  public enum Norm {
    /** Sum of absolute values. */
    L1,
    /** Square root of the sum of squares. */
    L2
  }

  private final Norm norm;
  private final boolean withConsumers;

  /** Producers' filters only. */
  public MagnitudeImportance(Norm norm) {
    this(norm, false);
  }

  /** @param withConsumers also add the norms of the consumers' input slices */
  public MagnitudeImportance(Norm norm, boolean withConsumers) {
    this.norm = norm;
    this.withConsumers = withConsumers;
  }

  @Override
  public String name() {
    return norm == Norm.L1 ? "l1" : "l2";
  }

  @Override
  public boolean needsData() {
    return false;
  }

  @Override
  public GroupScores score(Model model, DependencyGraph deps, ScoringData dataOrNull) {
    Checks.sameGraph(model, deps);
    Map<Integer, float[]> scores = new LinkedHashMap<>();
    for (ChannelGroup g : deps.prunableGroups()) {
      scores.put(g.id(), scoreGroup(model, g));
    }
    return new GroupScores(name(), scores, Map.of(), 0, 0);
  }

  /** The scores of one group. */
  float[] scoreGroup(Model model, ChannelGroup g) {
    List<UnitSums.Member> members = new ArrayList<>();
    for (String p : g.producers()) {
      members.add(new UnitSums.Member(p, outputNorms(weight(model, p), norm)));
    }
    if (withConsumers) {
      for (String c : g.consumers()) {
        String input = model.graph().node(c).inputs().get(0);
        members.add(new UnitSums.Member(input, inputNorms(weight(model, c), norm)));
      }
    }
    return UnitSums.of(g, members);
  }

  private static Tensor weight(Model model, String node) {
    return model.weights().get(new ParamKey(node, ParamRole.WEIGHT));
  }

  /** The norm of each output slice {@code w[o]} of a weight {@code [out, ...]}. */
  static double[] outputNorms(Tensor w, Norm norm) {
    int out = w.shape()[0];
    float[] d = w.data();
    int inner = d.length / out;
    double[] r = new double[out];
    for (int o = 0; o < out; o++) {
      double s = 0;
      for (int k = o * inner; k < (o + 1) * inner; k++) {
        s += norm == Norm.L1 ? Math.abs(d[k]) : (double) d[k] * d[k];
      }
      r[o] = norm == Norm.L1 ? s : Math.sqrt(s);
    }
    return r;
  }

  /** The norm of each input slice {@code w[:, i]} of a weight {@code [out, in, ...]} (one group). */
  static double[] inputNorms(Tensor w, Norm norm) {
    int[] shape = w.shape();
    int out = shape[0];
    int in = shape[1];
    float[] d = w.data();
    int k = d.length / (out * in);
    double[] r = new double[in];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        int base = (o * in + i) * k;
        for (int j = base; j < base + k; j++) {
          r[i] += norm == Norm.L1 ? Math.abs(d[j]) : (double) d[j] * d[j];
        }
      }
    }
    if (norm == Norm.L2) {
      for (int i = 0; i < in; i++) {
        r[i] = Math.sqrt(r[i]);
      }
    }
    return r;
  }
}
