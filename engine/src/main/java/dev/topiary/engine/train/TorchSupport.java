package dev.topiary.engine.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;

/** The few libtorch-specific calls of this package, kept in one place. */
public final class TorchSupport {
  private TorchSupport() {}

  /**
   * Autograd mode is per thread in libtorch and on by default in threads the engine did not start;
   * in-place updates of parameters need it off.
   */
  public static void disableAutogradOnThisThread() {
    JniUtils.setGradMode(false);
  }

  /** Zeroes the stored gradient of {@code weight} in place (NaN-safe, no allocation). */
  public static void zeroGradient(NDArray weight, NDArray gradient) {
    if (weight instanceof PtNDArray pt) {
      JniUtils.zeroGrad(pt);
    } else {
      gradient.subi(gradient);
    }
  }

  /** The gradient stored with {@code weight}, as a new handle the caller closes; null when none was computed. */
  public static NDArray gradientOrNull(NDArray weight) {
    if (weight instanceof PtNDArray pt) {
      return JniUtils.getGradient(pt);
    }
    return weight.getGradient();
  }

  /**
   * A copy of {@code array} on {@code device}, in {@code array}'s manager. Unlike {@code
   * toDevice(device, true)}, which in DJL's PyTorch engine returns an alias on the same device, this
   * never shares storage.
   */
  public static NDArray copyTo(NDArray array, Device device) {
    return array.getDevice().equals(device) ? array.duplicate() : array.toDevice(device, true);
  }

  /** The block's parameters by their DJL names, in the block's order (the names checkpoints use). */
  public static Map<String, Parameter> parametersByName(Block block) {
    Map<String, Parameter> byName = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      byName.put(p.getKey(), p.getValue());
    }
    return byName;
  }

  /** The manager holding the block's parameters (the model's manager). */
  public static NDManager modelManager(Block block) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().isInitialized()) {
        return p.getValue().getArray().getManager();
      }
    }
    throw new IllegalArgumentException("block: has no initialized parameter; initialize it (block.initialize) before training or evaluation");
  }
}
