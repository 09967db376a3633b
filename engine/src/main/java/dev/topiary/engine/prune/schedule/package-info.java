/**
 * Pruning schedules: one-shot, layer by layer (HRank), static stages, network slimming and gradual
 * sparsity, each interleaving pruning steps with fine-tuning through the workflow's Fitter.
 */
package dev.topiary.engine.prune.schedule;
