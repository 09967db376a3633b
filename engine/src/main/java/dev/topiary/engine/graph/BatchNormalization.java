package dev.topiary.engine.graph;

import java.util.List;
import java.util.Map;

/**
 * Batch normalization over the channel dimension (torch BatchNorm2d for [C, H, W] inputs,
 * BatchNorm1d for [F] inputs). Owns gamma, beta and the running mean and variance buffers, each of
 * length C. {@code momentum} is PyTorch's: running = (1 - momentum) * running + momentum * batch.
 */
public record BatchNormalization(double epsilon, double momentum) implements Op {
  public BatchNormalization {
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
    }
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
    }
  }

  /** PyTorch's defaults: epsilon 1e-5, momentum 0.1. */
  public static BatchNormalization standard() {
    return new BatchNormalization(1e-5, 0.1);
  }

  @Override
  public OpType type() {
    return OpType.BATCH_NORMALIZATION;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape in = inputs.get(0);
    if (in.rank() != 1 && in.rank() != 3) {
      throw new IllegalArgumentException("BatchNormalization needs a [C] or [C, H, W] input, got " + in);
    }
    return in;
  }

  @Override
  public Map<ParamRole, int[]> paramShapes(List<TensorShape> inputs) {
    int[] c = {inputs.get(0).channels()};
    return Map.of(
        ParamRole.GAMMA, c, ParamRole.BETA, c.clone(),
        ParamRole.RUNNING_MEAN, c.clone(), ParamRole.RUNNING_VAR, c.clone());
  }

  @Override
  public boolean channelwise() {
    return true;
  }
}
