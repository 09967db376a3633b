package dev.topiary.engine.graph;

import java.util.List;

/** Nearest-neighbour upsampling by an integer factor on both spatial axes (torch.nn.Upsample). */
public record Upsample(int scale) implements Op {
  public Upsample {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be at least 1, got " + scale);
    }
  }

  @Override
  public OpType type() {
    return OpType.UPSAMPLE;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape in = OpShapes.featureMap(inputs, "Upsample");
    return TensorShape.of(in.channels(), in.height() * scale, in.width() * scale);
  }

  @Override
  public boolean channelwise() {
    return true;
  }
}
