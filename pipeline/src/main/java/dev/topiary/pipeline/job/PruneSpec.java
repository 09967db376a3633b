package dev.topiary.pipeline.job;

/**
 * What to cut and how to rank it. Immutable.
 *
 * @param criterion importance criterion ({@code Importances.names()}), channel granularity only;
 *     null for the default {@value #DEFAULT_CRITERION} (unused by slimming, which ranks by BN gamma)
 * @param rankBatches training batches a data-driven criterion measures (HRank's {@code --limit})
 * @param select how much to cut, and where
 */
public record PruneSpec(Granularity granularity, String criterion, int rankBatches, SelectSpec select) {
  public static final String DEFAULT_CRITERION = "l1";

  /** The criterion to rank with: the one given, else {@value #DEFAULT_CRITERION}. */
  public String criterionOrDefault() {
    return criterion == null ? DEFAULT_CRITERION : criterion;
  }
}
