package dev.topiary.engine.graph;

import java.util.List;

/**
 * The option-A shortcut of CIFAR ResNets (He et al., HRank's resnet_56): keeps every
 * {@code stride}-th row and column ({@code x[:, :, ::s, ::s]}) and zero-pads the channels with
 * {@code padBefore} channels in front and {@code padAfter} behind. Input channel c becomes output
 * channel {@code padBefore + c}. No parameters.
 */
public record ZeroPadShortcut(int stride, int padBefore, int padAfter) implements Op {
  public ZeroPadShortcut {
    if (stride < 1) {
      throw new IllegalArgumentException("stride must be at least 1, got " + stride);
    }
    if (padBefore < 0 || padAfter < 0) {
      throw new IllegalArgumentException("padBefore and padAfter must be >= 0, got " + padBefore + ", " + padAfter);
    }
  }

  @Override
  public OpType type() {
    return OpType.ZERO_PAD_SHORTCUT;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape in = OpShapes.featureMap(inputs, "ZeroPadShortcut");
    int h = (in.height() + stride - 1) / stride;
    int w = (in.width() + stride - 1) / stride;
    return TensorShape.of(padBefore + in.channels() + padAfter, h, w);
  }
}
