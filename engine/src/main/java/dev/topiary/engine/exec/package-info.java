/**
 * Execution of a {@link dev.topiary.engine.graph.Graph} with DJL's PyTorch engine.
 *
 * <p>{@link dev.topiary.engine.exec.GraphBlock} is one DJL block that runs any graph for training
 * and inference; its parameters are named {@code <node>.<role>} like the weight files, and one
 * forward pass can also hand back chosen intermediate feature maps ({@link
 * dev.topiary.engine.exec.CapturedForward}). {@link dev.topiary.engine.exec.EngineSettings}
 * configures libtorch threads and picks the device; {@link dev.topiary.engine.exec.GradMode} sets
 * libtorch's per-thread autograd switch.
 */
package dev.topiary.engine.exec;
