package dev.topiary.engine.graph;

import java.util.List;

/** Element-wise clamp to [min, max]; {@code Clip(0, 6)} is ReLU6 as MobileNetV2 uses it. */
public record Clip(double min, double max) implements Op {
  public Clip {
    if (!(min < max)) {
      throw new IllegalArgumentException("min " + min + " must be below max " + max);
    }
  }

  /** ReLU6: clip to [0, 6]. */
  public static Clip relu6() {
    return new Clip(0, 6);
  }

  @Override
  public OpType type() {
    return OpType.CLIP;
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
