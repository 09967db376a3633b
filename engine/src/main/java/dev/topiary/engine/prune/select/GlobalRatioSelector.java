package dev.topiary.engine.prune.select;

import dev.topiary.engine.prune.DependencyGraph;
import java.util.Locale;
import java.util.Map;

/**
 * One ratio for the whole network: the scores of each prunable group are normalised ({@link
 * Normalization}, max by default), all units of all prunable groups are ranked together, and the
 * lowest {@code int(ratio * units)} go. Every prunable group needs scores. The {@link
 * ChannelConstraints} then adjust each group, so a group keeps at least {@code minChannels} however
 * low its scores (global ranking never empties a layer), and the total removed may differ from the
 * ratio by what rounding and the minimum add back.
 */
public final class GlobalRatioSelector implements Selector {
  private final double ratio;
  private final Normalization normalization;
  private final ChannelConstraints constraints;

  private GlobalRatioSelector(Builder b) {
    this.ratio = b.ratio;
    this.normalization = b.normalization;
    this.constraints = b.constraints();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public PruningPlan plan(DependencyGraph deps, Map<Integer, float[]> scores) {
    GlobalRanking ranking = GlobalRanking.of(deps, scores, normalization);
    int k = (int) (ratio * ranking.size());
    return LayerRates.assemble(deps, scores, ranking.kept(k, constraints),
        String.format(Locale.ROOT, "global ratio %s over %s-normalised scores", ratio, normalization.name().toLowerCase(Locale.ROOT)));
  }

  /** Builds a {@link GlobalRatioSelector}: {@code setRatio} is required. */
  public static final class Builder extends SelectorBuilder<Builder> {
    private double ratio = Double.NaN;
    private Normalization normalization = Normalization.MAX;

    private Builder() {}

    /** Fraction of all prunable units to remove, in [0, 1). */
    public Builder setRatio(double r) {
      this.ratio = r;
      return this;
    }

    /** How each group's scores are scaled before ranking (default {@link Normalization#MAX}). */
    public Builder optNormalization(Normalization n) {
      this.normalization = n;
      return this;
    }

    /** @throws IllegalArgumentException naming the missing or invalid field */
    public void validate() {
      if (Double.isNaN(ratio)) {
        throw new IllegalArgumentException("ratio is required: call setRatio");
      }
      if (!(ratio >= 0 && ratio < 1)) {
        throw new IllegalArgumentException("ratio must be in [0, 1), got " + ratio);
      }
      if (normalization == null) {
        throw new IllegalArgumentException("normalization must not be null");
      }
      validateConstraints();
    }

    public GlobalRatioSelector build() {
      validate();
      return new GlobalRatioSelector(this);
    }

    @Override
    Builder self() {
      return this;
    }
  }
}
