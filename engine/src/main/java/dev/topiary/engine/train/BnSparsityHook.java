package dev.topiary.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

/**
 * Network slimming's sparsity term: adds {@code s * sign(gamma)} to the gradient of every batch-norm
 * scale, the subgradient of {@code s * |gamma|}. With decay, {@code s = sr * (1 - 0.9 * epoch /
 * epochs)}; without, {@code s = sr}. A parameter is a BN scale when its type is {@link
 * Parameter.Type#GAMMA} or its name ends with {@code .gamma}. Immutable.
 */
public final class BnSparsityHook implements GradientHook {
  private final double sr;
  private final boolean decay;

  private BnSparsityHook(double sr, boolean decay) {
    if (!(sr >= 0) || Double.isInfinite(sr)) {
      throw new IllegalArgumentException("sr: must be >= 0 and finite, got " + sr);
    }
    this.sr = sr;
    this.decay = decay;
  }

  /** A constant strength {@code sr}. */
  public static BnSparsityHook constant(double sr) {
    return new BnSparsityHook(sr, false);
  }

  /** A strength decaying linearly from {@code sr} at epoch 0 towards {@code 0.1 * sr} at the end. */
  public static BnSparsityHook decaying(double sr) {
    return new BnSparsityHook(sr, true);
  }

  /** The strength used during {@code epoch} of {@code epochs}. */
  public double strength(int epoch, int epochs) {
    return decay ? sr * (1 - 0.9 * epoch / epochs) : sr;
  }

  /** Whether this hook acts on the parameter. */
  public static boolean isBnScale(String name, Parameter parameter) {
    return parameter.getType() == Parameter.Type.GAMMA || name.endsWith(".gamma");
  }

  @Override
  public void onGradient(String name, Parameter parameter, NDArray gradient, int epoch, int epochs) {
    if (!isBnScale(name, parameter)) {
      return;
    }
    float s = (float) strength(epoch, epochs);
    try (NDArray term = parameter.getArray().sign()) {
      term.muli(s);
      gradient.addi(term);
    }
  }

  @Override
  public String toString() {
    return "BnSparsityHook[sr=" + sr + (decay ? ", decaying" : "") + "]";
  }
}
