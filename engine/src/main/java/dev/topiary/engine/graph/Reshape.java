package dev.topiary.engine.graph;

import java.util.List;

/**
 * A per-sample reshape that keeps the channel (first) dimension, e.g. an SE gate's {@code [C]} to
 * {@code [C, 1, 1]}: channel c stays channel c. (Reshapes that mix channels, such as a flatten, are
 * {@link Flatten}; others are refused at import.)
 */
public record Reshape(TensorShape shape) implements Op {
  public Reshape {
    if (shape == null) {
      throw new IllegalArgumentException("shape is required");
    }
  }

  public Reshape withChannels(int c) {
    return new Reshape(shape.withChannels(c));
  }

  @Override
  public OpType type() {
    return OpType.RESHAPE;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape in = inputs.get(0);
    if (in.channels() != shape.channels() || in.size() != shape.size()) {
      throw new IllegalArgumentException("cannot reshape " + in + " to " + shape + " keeping the channels");
    }
    return shape;
  }

  @Override
  public boolean channelwise() {
    return true;
  }
}
