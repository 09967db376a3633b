/**
 * Training for any DJL {@link ai.djl.nn.Block}: a PyTorch-exact {@link dev.topiary.engine.train.Sgd},
 * per-epoch {@link dev.topiary.engine.train.LrSchedule}s, and {@link
 * dev.topiary.engine.train.TrainingRun}, which fits a block over {@link
 * dev.topiary.engine.train.EpochData} with softmax cross-entropy, optional 0/1 parameter masks (a
 * masked weight stays exactly zero), {@link dev.topiary.engine.train.GradientHook}s such as {@link
 * dev.topiary.engine.train.BnSparsityHook}, and atomic epoch-boundary {@link
 * dev.topiary.engine.train.TrainingCheckpoint}s from which a resumed run ends bit-identical to an
 * uninterrupted one. {@link dev.topiary.engine.train.Evaluator} reports loss, top-1 and top-5.
 *
 * <p>Parameters are named by the keys of {@link ai.djl.nn.Block#getParameters()} (for the graph
 * block {@code <node>.<role>}, for example {@code conv1.weight}). Epochs are counted from 0
 * everywhere: schedules, data, hooks and results. Per-step temporaries live in a sub-manager that
 * is closed after the step, so memory stays flat over epochs.
 */
package dev.topiary.engine.train;
