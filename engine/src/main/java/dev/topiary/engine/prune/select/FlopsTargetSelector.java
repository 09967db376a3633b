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
  private final boolean roundingFallback;

  private FlopsTargetSelector(Builder b) {
    this.reduction = b.reduction;
    this.normalization = b.normalization;
    this.constraints = b.constraints();
    this.roundingFallback = b.roundingFallback;
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
    ChannelConstraints c = constraints;
    double most = reductionAt(ranking, g, ranking.size(), before, c);
    String note = "";
    while (most < reduction && roundingFallback && c.roundTo() > 1) {
      // a default rounding the user did not ask for: the coarsest step, halving it, that reaches the target
      int tried = c.roundTo();
      c = c.withRoundTo(Math.max(1, tried / 2));
      most = reductionAt(ranking, g, ranking.size(), before, c);
      note = String.format(Locale.ROOT, ", kept counts rounded to %d (the default %d could not reach the target)", c.roundTo(),
          constraints.roundTo());
    }
    if (most < reduction) {
      throw new InvalidPruningConfigException(String.format(Locale.ROOT,
          "graph '%s': a MACs reduction of %s cannot be reached; pruning every prunable group down to minChannels %d%s%s reaches %.4f",
          g.name(), reduction, c.minChannels(), c.maxPruningRatio() < 1
              ? String.format(Locale.ROOT, ", at most maxPruningRatio %s of each group", c.maxPruningRatio()) : "", c.roundTo() > 1
              ? String.format(Locale.ROOT, " with counts rounded to multiples of roundTo %d (roundTo 1 lets narrow layers go lower)",
                  c.roundTo())
              : "", most));
    }
    int lo = 0;
    int hi = ranking.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (reductionAt(ranking, g, mid, before, c) >= reduction) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    double reached = reductionAt(ranking, g, lo, before, c);
    return LayerRates.assemble(deps, scores, ranking.kept(lo, c), String.format(Locale.ROOT,
        "MACs reduction target %s (reached %.4f), %s-normalised global ranking%s", reduction, reached,
        normalization.name().toLowerCase(Locale.ROOT), note));
  }

  private static double reductionAt(GlobalRanking ranking, Graph g, int k, long before, ChannelConstraints c) {
    long after = dev.topiary.engine.prune.Surgery.pruneGraph(g, ranking.removed(ranking.kept(k, c))).macs();
    return 1 - (double) after / before;
  }

  /** Builds a {@link FlopsTargetSelector}: {@code setReduction} is required. */
  public static final class Builder extends SelectorBuilder<Builder> {
    private double reduction = Double.NaN;
    private Normalization normalization = Normalization.MAX;
    private boolean roundingFallback;

    private Builder() {}

    /**
     * When the target cannot be reached with {@code roundTo}, halve the rounding until it can
     * (down to 1) instead of refusing; the plan's description says so. For a default rounding
     * the user did not choose ({@link ChannelConstraints#GLOBAL_ROUND_TO}, which a small model's
     * narrow layers may not allow); an explicit one stays a requirement (default false).
     */
    public Builder optRoundingFallback(boolean fallback) {
      this.roundingFallback = fallback;
      return this;
    }

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
