package dev.topiary.engine.graph;

import java.util.List;
import java.util.Map;

/**
 * 2-d convolution (ONNX Conv, torch.nn.Conv2d). Input channels come from the input shape; weight
 * shape is {@code [outChannels, inChannels / groups, kernel.h, kernel.w]}. A depthwise conv has
 * {@code groups == inChannels == outChannels}.
 */
public record Conv(
    int outChannels, Hw kernel, Hw stride, Hw padding, Hw dilation, int groups, boolean bias)
    implements Op {
  public Conv {
    if (outChannels <= 0) {
      throw new IllegalArgumentException("outChannels must be positive, got " + outChannels);
    }
    kernel.requireAtLeast(1, "kernel");
    stride.requireAtLeast(1, "stride");
    padding.requireAtLeast(0, "padding");
    dilation.requireAtLeast(1, "dilation");
    if (groups <= 0) {
      throw new IllegalArgumentException("groups must be positive, got " + groups);
    }
  }

  /** A square conv without bias, dilation 1, one group: the common case. */
  public static Conv of(int outChannels, int kernel, int stride, int padding) {
    return new Conv(outChannels, Hw.square(kernel), Hw.square(stride), Hw.square(padding), Hw.square(1), 1, false);
  }

  public Conv withGroups(int g) {
    return new Conv(outChannels, kernel, stride, padding, dilation, g, bias);
  }

  public Conv withBias(boolean b) {
    return new Conv(outChannels, kernel, stride, padding, dilation, groups, b);
  }

  public Conv withOutChannels(int c) {
    return new Conv(c, kernel, stride, padding, dilation, groups, bias);
  }

  @Override
  public OpType type() {
    return OpType.CONV;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape in = OpShapes.featureMap(inputs, "Conv");
    if (in.channels() % groups != 0) {
      throw new IllegalArgumentException(
          "groups " + groups + " do not divide the " + in.channels() + " input channels");
    }
    if (outChannels % groups != 0) {
      throw new IllegalArgumentException(
          "groups " + groups + " do not divide the " + outChannels + " output channels");
    }
    return OpShapes.window(in, outChannels, kernel, stride, padding, dilation, false);
  }

  @Override
  public Map<ParamRole, int[]> paramShapes(List<TensorShape> inputs) {
    int[] w = {outChannels, inputs.get(0).channels() / groups, kernel.h(), kernel.w()};
    return bias ? Map.of(ParamRole.WEIGHT, w, ParamRole.BIAS, new int[] {outChannels}) : Map.of(ParamRole.WEIGHT, w);
  }

  @Override
  public long macs(List<TensorShape> inputs, TensorShape output) {
    long perOutput = (long) (inputs.get(0).channels() / groups) * kernel.h() * kernel.w();
    return output.size() * perOutput;
  }
}
