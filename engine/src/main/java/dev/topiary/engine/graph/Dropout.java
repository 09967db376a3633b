package dev.topiary.engine.graph;

import java.util.List;

/** Dropout with drop probability {@code ratio} in training; identity in inference. */
public record Dropout(double ratio) implements Op {
  public Dropout {
    if (!(ratio >= 0 && ratio < 1)) {
      throw new IllegalArgumentException("ratio must be in [0, 1), got " + ratio);
    }
  }

  @Override
  public OpType type() {
    return OpType.DROPOUT;
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
