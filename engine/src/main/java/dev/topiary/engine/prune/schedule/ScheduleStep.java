package dev.topiary.engine.prune.schedule;

/**
 * One pruning step of a schedule: what was cut and the model's size after it.
 *
 * @param index 0-based step number
 * @param description the plan or rule applied, e.g. {@code group layer1.0.conv1: 16 -> 7}
 * @param removedUnits channels (or weights, for masks) removed in this step
 * @param macs the model's MACs after the step
 * @param params the model's learnable parameters after the step (dense count)
 */
public record ScheduleStep(int index, String description, int removedUnits, long macs, long params) {}
