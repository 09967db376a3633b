/**
 * Deciding how many and which units of each channel group to remove, given importance scores
 * (higher = more important, one {@code float[]} per prunable group, keyed by group id).
 *
 * <p>A {@link dev.topiary.engine.prune.select.Selector} turns a {@link
 * dev.topiary.engine.prune.DependencyGraph} and scores into an immutable {@link
 * dev.topiary.engine.prune.select.PruningPlan}: per group, the units to remove and the count kept,
 * with MACs and parameters before and after, a readable table, and {@code apply(Model)} that runs
 * the surgery. Ways of choosing: HRank compress-rate lists ({@link
 * dev.topiary.engine.prune.select.CompressRateSelector}), NNI-style config lists ({@link
 * dev.topiary.engine.prune.select.ConfigListSelector}), one global ratio over normalised scores
 * ({@link dev.topiary.engine.prune.select.GlobalRatioSelector}) and a target MACs reduction ({@link
 * dev.topiary.engine.prune.select.FlopsTargetSelector}). Every selector applies the same {@link
 * dev.topiary.engine.prune.select.ChannelConstraints} (minimum channels, multiples for Tensor
 * Cores). Within a group the lowest-scored units go first, ties to the lower index.
 */
package dev.topiary.engine.prune.select;
