package dev.topiary.engine.exec;

import ai.djl.ndarray.NDArray;
import dev.topiary.engine.graph.Op;
import dev.topiary.engine.graph.ParamRole;
import java.util.List;

/**
 * Computes one node's output from its inputs with DJL operations. Kernels are stateless; the
 * batch dimension leads every array. A kernel may return one of its inputs unchanged (Identity,
 * Dropout in inference), so the caller must not assume the result is a new array.
 */
@FunctionalInterface
interface OpKernel {

  /**
   * @param op the node's op record, of the type the kernel is registered for
   * @param inputs the node's inputs in declared order
   * @param params the node's parameters
   * @param training whether the forward pass trains (BN batch statistics, dropout)
   */
  NDArray apply(Op op, List<NDArray> inputs, Params params, boolean training);

  /** The parameter arrays of the node being evaluated. */
  @FunctionalInterface
  interface Params {
    /** The array for this role, or null when the node has no such parameter (e.g. no bias). */
    NDArray get(ParamRole role);
  }
}
