package dev.topiary.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.topiary.engine.InvalidPruningConfigException;
import java.util.HashMap;
import java.util.Map;

/**
 * Validated 0/1 masks by parameter name, copied to each parameter's type and device. Multiplying
 * the gradient before the step and the weight after it keeps a masked weight exactly zero whatever
 * the momentum and weight decay (a masked entry's decayed gradient and momentum stay zero too).
 */
final class ParameterMasks implements AutoCloseable {
  private final NDManager manager;
  private final Map<String, NDArray> masks = new HashMap<>();

  private ParameterMasks(NDManager manager) {
    this.manager = manager;
  }

  /**
   * @throws InvalidPruningConfigException when a mask names no parameter of the block, differs in
   *     shape from its parameter, or holds values other than 0 and 1
   */
  static ParameterMasks of(Map<String, Parameter> parameters, Map<String, NDArray> given, NDManager parent) {
    ParameterMasks result = new ParameterMasks(parent.newSubManager());
    try {
      for (Map.Entry<String, NDArray> e : given.entrySet()) {
        result.add(e.getKey(), parameters.get(e.getKey()), e.getValue(), parameters);
      }
    } catch (RuntimeException e) {
      result.close();
      throw e;
    }
    return result;
  }

  private void add(String name, Parameter parameter, NDArray mask, Map<String, Parameter> parameters) {
    if (parameter == null) {
      throw new InvalidPruningConfigException("mask names unknown parameter '" + name + "'; the block's parameters are " + parameters.keySet());
    }
    NDArray weight = parameter.getArray();
    if (!mask.getShape().equals(weight.getShape())) {
      throw new InvalidPruningConfigException("mask for parameter '" + name + "' has shape " + mask.getShape() + " but the parameter has shape " + weight.getShape());
    }
    NDArray onDevice = TorchSupport.copyTo(mask, weight.getDevice());
    onDevice.attach(manager);
    NDArray copy = onDevice.toType(weight.getDataType(), false);
    copy.attach(manager);
    try (NDManager scratch = manager.newSubManager()) {
      NDArray zero = copy.eq(0);
      zero.attach(scratch);
      NDArray one = copy.eq(1);
      one.attach(scratch);
      NDArray valid = zero.logicalOr(one).all();
      valid.attach(scratch);
      if (!valid.getBoolean()) {
        throw new InvalidPruningConfigException("mask for parameter '" + name + "' holds values other than 0 and 1");
      }
    }
    masks.put(name, copy);
  }

  boolean isEmpty() {
    return masks.isEmpty();
  }

  /** Multiplies {@code target} (the parameter's gradient or value) in place by its mask, if any. */
  void apply(String name, NDArray target) {
    NDArray mask = masks.get(name);
    if (mask != null) {
      target.muli(mask);
    }
  }

  /** Masks every masked parameter's value. */
  void applyToWeights(Map<String, Parameter> parameters) {
    masks.forEach((name, mask) -> parameters.get(name).getArray().muli(mask));
  }

  @Override
  public void close() {
    manager.close();
  }
}
