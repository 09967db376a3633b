package dev.topiary.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * Recomputes the training masks at the start of an epoch, for gradual pruning: sparsity rising
 * every few epochs while training goes on. The optimizer's momentum carries over; weights newly
 * masked are zeroed at once and stay exactly zero from then on.
 */
@FunctionalInterface
public interface MaskUpdate {
  /**
   * @param epoch the epoch about to start (0-based)
   * @param parameters the block's parameters by name, holding the current weights
   * @param manager where to create the masks
   * @return the new masks by parameter name (replacing all current masks), or null to keep them
   */
  Map<String, NDArray> masksFor(int epoch, Map<String, Parameter> parameters, NDManager manager);
}
