package dev.topiary.engine.graph;

import java.util.List;

/** 2-d max pooling (torch.nn.MaxPool2d, dilation 1). Padding is at most half the kernel. */
public record MaxPool(Hw kernel, Hw stride, Hw padding, boolean ceilMode) implements Op {
  public MaxPool {
    kernel.requireAtLeast(1, "kernel");
    stride.requireAtLeast(1, "stride");
    padding.requireAtLeast(0, "padding");
    OpShapes.requirePoolPadding(kernel, padding);
  }

  /** Square window, no padding, floor mode. */
  public static MaxPool of(int kernel, int stride) {
    return new MaxPool(Hw.square(kernel), Hw.square(stride), Hw.square(0), false);
  }

  /** Square window with padding, floor mode. */
  public static MaxPool of(int kernel, int stride, int padding) {
    return new MaxPool(Hw.square(kernel), Hw.square(stride), Hw.square(padding), false);
  }

  @Override
  public OpType type() {
    return OpType.MAX_POOL;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape in = OpShapes.featureMap(inputs, "MaxPool");
    return OpShapes.window(in, in.channels(), kernel, stride, padding, Hw.square(1), ceilMode);
  }

  @Override
  public boolean channelwise() {
    return true;
  }
}
