package dev.topiary.engine.prune.select;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * HRank's compress rates: one rate per conv, the fraction of its filters removed, in layer order.
 *
 * <p><b>Layer order</b> is the order of the graph's Conv nodes (topological, declaration order kept
 * where valid), every Conv counting, depthwise ones too; Gemm layers are not in the list. This is
 * HRank's order (lmbxmu/HRank, models/*.py, where each conv takes {@code compress_rate[i]} as its
 * {@code cp_rate}) when the graph declares layers as HRank's modules run:
 *
 * <ul>
 *   <li>vgg_16_bn: 13 rates, features conv0 .. conv40; the classifier's Linear layers have none.
 *   <li>resnet_56: 55 = 1 + 2 * 27 rates: conv1 (stem), then layer1.0.conv1, layer1.0.conv2,
 *       layer1.1.conv1, ... layer3.8.conv2 (each stage takes {@code compress_rate[2n*s+1 :
 *       2n*(s+1)+1]}, each block two of them). resnet_110: 109 rates, same pattern with 18 blocks.
 *   <li>densenet_40: 39 rates: conv1, the 12 convs of dense1, trans1, dense2 (12), trans2, dense3
 *       (12).
 *   <li>resnet_50 (ImageNet): 53 rates: conv1, then per stage the downsample conv first, then each
 *       bottleneck's conv1, conv2, conv3; it matches only if the graph declares each stage's
 *       downsample conv before the first block's convs.
 *   <li>googlenet: not per conv. Its 10 rates go one per module (pre_layers, then the 9 Inception
 *       blocks; HRank's code reads rate 6 for both c4 and d4 and never rate 5), and inside a block
 *       the 1x1 reduce convs of the 3x3 and 5x5 branches get 0. Expand such a list to one rate per
 *       conv (64) or use {@link ConfigListSelector}.
 * </ul>
 *
 * <p><b>Counts</b> mirror HRank exactly: a conv of {@code f} filters loses {@code int(rate * f)}
 * (mask.py {@code pruned_num = int(compress_rate[cov_id - 1] * f)}, get_flops.py the same), in
 * double arithmetic like Python's; it keeps {@code f - int(rate * f)}, which is not always {@code
 * int(f * (1 - rate))} (HRankPlus's formula): 10 filters at 0.25 keep 8, not 7. The filters with the
 * lowest scores go ({@code np.argsort(rank)[pruned_num:]} are kept), ties to the lower index.
 *
 * <p><b>Coupled groups.</b> HRank masks each conv's filters (and its BN) independently; in its
 * ResNets the residual sum keeps every channel alive through the shortcut, so it never removes a
 * coupled channel and no rule reproduces it exactly. Here channels written by several convs (the
 * convs feeding one residual Add) go together, with one rate per group chosen by {@link CoupledRate}:
 * by default the rate of the group's first producer in layer order (for resnet_56: the stem's rate
 * for stage 1's 16 channels, layer2.0.conv2's rate for the 16 channels stage 2 adds). A group that
 * cannot be pruned (blocked) must get rate 0.
 */
public final class CompressRateSelector implements Selector {
  private final List<Double> rates;
  private final CoupledRate coupledRate;
  private final ChannelConstraints constraints;

  private CompressRateSelector(Builder b) {
    this.rates = b.rates;
    this.coupledRate = b.coupledRate;
    this.constraints = b.constraints();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The rates, one per conv in layer order. */
  public List<Double> rates() {
    return rates;
  }

  @Override
  public PruningPlan plan(DependencyGraph deps, Map<Integer, float[]> scores) {
    List<String> convs = deps.graph().nodes().stream().filter(n -> n.type() == OpType.CONV).map(Node::name).toList();
    if (convs.size() != rates.size()) {
      throw new InvalidPruningConfigException("expected " + convs.size() + " compress rates, one per Conv of graph '" + deps.graph().name()
          + "' in layer order (" + String.join(", ", convs) + "), got " + rates.size());
    }
    Map<String, Double> byNode = new LinkedHashMap<>();
    for (int i = 0; i < convs.size(); i++) {
      byNode.put(convs.get(i), rates.get(i));
    }
    return LayerRates.plan(deps, scores, byNode, Set.of(), coupledRate, constraints, "compress rate",
        "HRank compress rates, " + coupledRate.name().toLowerCase(Locale.ROOT) + " rate per coupled group");
  }

  /** Builds a {@link CompressRateSelector}: {@code setRates} is required. */
  public static final class Builder extends SelectorBuilder<Builder> {
    private List<Double> rates;
    private CoupledRate coupledRate = CoupledRate.FIRST_PRODUCER;

    private Builder() {}

    /**
     * An HRank expression such as {@code [0.1]+[0.60]*35+[0.0]*2}.
     *
     * @throws InvalidPruningConfigException on bad syntax or a rate outside [0, 1)
     */
    public Builder setRates(String expression) {
      this.rates = CompressRates.parse(expression);
      return this;
    }

    /**
     * The rates as a list.
     *
     * @throws InvalidPruningConfigException on a rate outside [0, 1)
     */
    public Builder setRates(List<Double> list) {
      this.rates = CompressRates.check(list);
      return this;
    }

    /** How a group written by several convs gets its rate (default {@link CoupledRate#FIRST_PRODUCER}). */
    public Builder optCoupledRate(CoupledRate rule) {
      this.coupledRate = rule;
      return this;
    }

    /** @throws IllegalArgumentException naming the missing or invalid field */
    public void validate() {
      if (rates == null) {
        throw new IllegalArgumentException("rates is required: call setRates");
      }
      if (coupledRate == null) {
        throw new IllegalArgumentException("coupledRate must not be null");
      }
      validateConstraints();
    }

    public CompressRateSelector build() {
      validate();
      return new CompressRateSelector(this);
    }

    @Override
    Builder self() {
      return this;
    }
  }
}
