package dev.topiary.engine.prune.select;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.Locale;
import java.util.Map;

/**
 * Removes the fewest globally lowest-ranked units (same ranking as {@link GlobalRatioSelector})
 * that cut the MACs ({@link Graph#macs}) by at least the requested fraction. Candidates are measured
 * on the pruned graph alone, built from channel counts without weights. Since removing more units
 * never adds MACs, a binary search over the number of units finds the smallest count k that reaches
 * the target: with k - 1 units the reduction falls short (with {@code roundTo}, k may stand for a
 * step of several channels). The plan's {@link PruningPlan#macsReduction} is the reduction reached.
 */
public final class FlopsTargetSelector implements Selector {
  private final double reduction;
  private final Normalization normalization;
  private final ChannelConstraints constraints;

  private FlopsTargetSelector(Builder b) {
    this.reduction = b.reduction;
    this.normalization = b.normalization;
    this.constraints = b.constraints();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public PruningPlan plan(DependencyGraph deps, Map<Integer, float[]> scores) {
    GlobalRanking ranking = GlobalRanking.of(deps, scores, normalization);
    Graph g = deps.graph();
    long before = g.macs();
    if (before == 0) {
      throw new InvalidPruningConfigException("graph '" + g.name() + "' has no MACs to reduce");
    }
    int lo = 0;
    int hi = ranking.size();
    double most = reductionAt(ranking, g, hi, before);
    if (most < reduction) {
      throw new InvalidPruningConfigException(String.format(Locale.ROOT,
          "graph '%s': a MACs reduction of %s cannot be reached; pruning every prunable group down to minChannels %d%s reaches %.4f",
          g.name(), reduction, constraints.minChannels(), constraints.roundTo() > 1
              ? String.format(Locale.ROOT, " with counts rounded to multiples of roundTo %d (roundTo 1 lets narrow layers go lower)",
                  constraints.roundTo())
              : "", most));
    }
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (reductionAt(ranking, g, mid, before) >= reduction) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    double reached = reductionAt(ranking, g, lo, before);
    return LayerRates.assemble(deps, scores, ranking.kept(lo, constraints), String.format(Locale.ROOT,
        "MACs reduction target %s (reached %.4f), %s-normalised global ranking", reduction, reached, normalization.name().toLowerCase(Locale.ROOT)));
  }

  private double reductionAt(GlobalRanking ranking, Graph g, int k, long before) {
    long after = dev.topiary.engine.prune.Surgery.pruneGraph(g, ranking.removed(ranking.kept(k, constraints))).macs();
    return 1 - (double) after / before;
  }

  /** Builds a {@link FlopsTargetSelector}: {@code setReduction} is required. */
  public static final class Builder extends SelectorBuilder<Builder> {
    private double reduction = Double.NaN;
    private Normalization normalization = Normalization.MAX;

    private Builder() {}

    /** Fraction of the MACs to remove, in (0, 1): 0.5 halves them. */
    public Builder setReduction(double r) {
      this.reduction = r;
      return this;
    }

    /** How each group's scores are scaled before ranking (default {@link Normalization#MAX}). */
    public Builder optNormalization(Normalization n) {
      this.normalization = n;
      return this;
    }

    /** @throws IllegalArgumentException naming the missing or invalid field */
    public void validate() {
      if (Double.isNaN(reduction)) {
        throw new IllegalArgumentException("reduction is required: call setReduction");
      }
      if (!(reduction > 0 && reduction < 1)) {
        throw new IllegalArgumentException("reduction must be in (0, 1), got " + reduction);
      }
      if (normalization == null) {
        throw new IllegalArgumentException("normalization must not be null");
      }
      validateConstraints();
    }

    public FlopsTargetSelector build() {
      validate();
      return new FlopsTargetSelector(this);
    }

    @Override
    Builder self() {
      return this;
    }
  }
}
