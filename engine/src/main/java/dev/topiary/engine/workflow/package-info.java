/**
 * High-level engine calls shared by the CLI, the pruning schedules and the services: fitting data
 * to a model input ({@link dev.topiary.engine.workflow.DataSpec}), training and evaluating a
 * {@link dev.topiary.engine.model.Model} ({@link dev.topiary.engine.workflow.Fitter}).
 */
package dev.topiary.engine.workflow;
