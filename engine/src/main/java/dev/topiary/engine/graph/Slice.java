package dev.topiary.engine.graph;

import java.util.List;

/**
 * Channels {@code [start, end)} of the input (ONNX Slice on axis 1, one output of a Split along
 * channels, torch.chunk). Output channel i is input channel {@code start + i}.
 */
public record Slice(int start, int end) implements Op {
  public Slice {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("need 0 <= start < end, got start " + start + ", end " + end);
    }
  }

  @Override
  public OpType type() {
    return OpType.SLICE;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape in = inputs.get(0);
    if (end > in.channels()) {
      throw new IllegalArgumentException("end " + end + " is past the " + in.channels() + " input channels");
    }
    return in.withChannels(end - start);
  }
}
