/**
 * Importance criteria: how much each unit of a {@link dev.topiary.engine.prune.ChannelGroup} is
 * worth keeping (higher = more important), one float per unit.
 *
 * <p>{@link dev.topiary.engine.prune.importance.Importance} scores every prunable group of a model
 * at once and returns {@link dev.topiary.engine.prune.importance.GroupScores}; {@link
 * dev.topiary.engine.prune.importance.Importances} creates a criterion by name ({@code l1, l2,
 * bn-scale, hrank, taylor, apoz, random}).
 *
 * <p>Weight criteria ({@link dev.topiary.engine.prune.importance.MagnitudeImportance}, {@link
 * dev.topiary.engine.prune.importance.BnScaleImportance}, {@link
 * dev.topiary.engine.prune.importance.RandomImportance}) read the model's tensors. Data criteria
 * ({@link dev.topiary.engine.prune.importance.HRankImportance}, {@link
 * dev.topiary.engine.prune.importance.ApozImportance}, {@link
 * dev.topiary.engine.prune.importance.TaylorImportance}) measure the feature maps at each
 * producer's {@link dev.topiary.engine.prune.importance.CapturePoints capture point} over {@link
 * dev.topiary.engine.prune.importance.ScoringData}: one pass over the data captures every point
 * of every group.
 *
 * <p>Aggregation, the same for every criterion: a unit's score is the sum, over the group's
 * producers (or normalizers, for bn-scale), of the per-channel statistic at each of the unit's
 * indices in that member's space (several indices for a depthwise conv with a channel multiplier,
 * or after a Flatten).
 */
package dev.topiary.engine.prune.importance;
