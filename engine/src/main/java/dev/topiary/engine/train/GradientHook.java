package dev.topiary.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

/**
 * Called for every learnable parameter after backward and before masking and the optimizer step,
 * with autograd off, so that it may change {@code gradient} in place (for example add a
 * regulariser's gradient). It must not keep the gradient, and must close the temporaries it makes:
 * arrays computed from the parameter live in the model's manager.
 */
@FunctionalInterface
public interface GradientHook {

  /**
   * @param name the parameter's name in the block
   * @param parameter the parameter; {@link Parameter#getArray()} is its current value
   * @param gradient the gradient of the mean batch loss, to be changed in place
   * @param epoch the current epoch, 0-based
   * @param epochs the run's total epochs
   */
  void onGradient(String name, Parameter parameter, NDArray gradient, int epoch, int epochs);
}
