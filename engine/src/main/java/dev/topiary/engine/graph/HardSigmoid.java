package dev.topiary.engine.graph;

import java.util.List;

/**
 * Element-wise max(0, min(1, alpha * x + beta)); torch.nn.Hardsigmoid is alpha 1/6, beta 0.5
 * (ONNX's defaults are 0.2 and 0.5).
 */
public record HardSigmoid(double alpha, double beta) implements Op {
  public HardSigmoid {
    if (!Double.isFinite(alpha) || !Double.isFinite(beta) || alpha == 0) {
      throw new IllegalArgumentException("alpha must be finite and non-zero and beta finite, got " + alpha + ", " + beta);
    }
  }

  /** torch.nn.Hardsigmoid. */
  public static HardSigmoid torch() {
    return new HardSigmoid(1.0 / 6, 0.5);
  }

  @Override
  public OpType type() {
    return OpType.HARD_SIGMOID;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    return inputs.get(0);
  }

  @Override
  public boolean channelwise() {
    return true;
  }
}
