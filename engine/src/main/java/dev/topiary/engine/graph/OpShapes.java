package dev.topiary.engine.graph;

import java.util.List;

/** Shape arithmetic shared by the op records; follows PyTorch's conventions exactly. */
final class OpShapes {
  private OpShapes() {}

  static TensorShape featureMap(List<TensorShape> inputs, String op) {
    TensorShape s = inputs.get(0);
    if (s.rank() != 3) {
      throw new IllegalArgumentException(op + " needs a [C, H, W] input, got " + s);
    }
    return s;
  }

  /** Output length of a sliding window, as torch.nn.Conv2d / MaxPool2d compute it. */
  static int windowOut(int in, int kernel, int stride, int pad, int dilation, boolean ceil, String axis) {
    int span = dilation * (kernel - 1) + 1;
    int num = in + 2 * pad - span;
    if (num < 0) {
      throw new IllegalArgumentException(
          "window " + span + " is larger than the padded input " + (in + 2 * pad) + " along " + axis);
    }
    int out = ceil ? Math.floorDiv(num + stride - 1, stride) + 1 : num / stride + 1;
    if (ceil && (long) (out - 1) * stride >= in + pad) {
      out--; // the last window must start inside the input or its left padding
    }
    return out;
  }

  static TensorShape window(
      TensorShape in, int channels, Hw kernel, Hw stride, Hw pad, Hw dilation, boolean ceil) {
    int h = windowOut(in.height(), kernel.h(), stride.h(), pad.h(), dilation.h(), ceil, "height");
    int w = windowOut(in.width(), kernel.w(), stride.w(), pad.w(), dilation.w(), ceil, "width");
    return TensorShape.of(channels, h, w);
  }

  static void requirePoolPadding(Hw kernel, Hw pad) {
    if (pad.h() * 2 > kernel.h() || pad.w() * 2 > kernel.w()) {
      throw new IllegalArgumentException("padding " + pad + " must be at most half of kernel " + kernel);
    }
  }
}
