/**
 * Sensitivity analysis: each group pruned alone at rising ratios without fine-tuning, the accuracy
 * drop measured, shown as a table and an SVG plot, and per-group ratios chosen from the curves to
 * reach a FLOPs target within an accuracy-drop budget.
 */
package dev.topiary.engine.prune.sensitivity;
