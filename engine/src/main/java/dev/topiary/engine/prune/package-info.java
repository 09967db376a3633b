/**
 * Structured pruning's core: {@link dev.topiary.engine.prune.DependencyGraph} derives from a graph's
 * op rules which channels must go together ({@link dev.topiary.engine.prune.ChannelGroup}), and
 * {@link dev.topiary.engine.prune.Surgery} removes units of a group, yielding a smaller dense model
 * with its pruning history. Sub-packages: importance criteria, selection, masks, schedules and
 * sensitivity analysis.
 */
package dev.topiary.engine.prune;
