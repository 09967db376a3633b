package dev.topiary.engine.graph;

import java.util.List;

/**
 * Zero padding of the spatial axes (ONNX Pad, mode constant, value 0; torch.nn.functional.pad):
 * {@code top} and {@code bottom} rows, {@code left} and {@code right} columns. An asymmetric
 * convolution padding is imported as a Pad before the Conv.
 */
public record Pad(int top, int left, int bottom, int right) implements Op {
  public Pad {
    if (top < 0 || left < 0 || bottom < 0 || right < 0) {
      throw new IllegalArgumentException("pads must be >= 0, got [" + top + ", " + left + ", " + bottom + ", " + right + "]");
    }
  }

  @Override
  public OpType type() {
    return OpType.PAD;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape in = OpShapes.featureMap(inputs, "Pad");
    return TensorShape.of(in.channels(), in.height() + top + bottom, in.width() + left + right);
  }

  @Override
  public boolean channelwise() {
    return true;
  }
}
