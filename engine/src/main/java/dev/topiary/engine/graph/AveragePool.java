package dev.topiary.engine.graph;

import java.util.List;

/**
 * 2-d average pooling (torch.nn.AvgPool2d). {@code countIncludePad} counts padded zeros in the
 * divisor, PyTorch's default.
 */
public record AveragePool(Hw kernel, Hw stride, Hw padding, boolean ceilMode, boolean countIncludePad)
    implements Op {
  public AveragePool {
    kernel.requireAtLeast(1, "kernel");
    stride.requireAtLeast(1, "stride");
    padding.requireAtLeast(0, "padding");
    OpShapes.requirePoolPadding(kernel, padding);
  }

  /** Square window, no padding, floor mode. */
  public static AveragePool of(int kernel, int stride) {
    return new AveragePool(Hw.square(kernel), Hw.square(stride), Hw.square(0), false, true);
  }

  @Override
  public OpType type() {
    return OpType.AVERAGE_POOL;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape in = OpShapes.featureMap(inputs, "AveragePool");
    return OpShapes.window(in, in.channels(), kernel, stride, padding, Hw.square(1), ceilMode);
  }

  @Override
  public boolean channelwise() {
    return true;
  }
}
