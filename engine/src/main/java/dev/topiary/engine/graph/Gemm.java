package dev.topiary.engine.graph;

import java.util.List;
import java.util.Map;

/** Fully connected layer (torch.nn.Linear): y = x W^T + b, weight {@code [outFeatures, inFeatures]}. */
public record Gemm(int outFeatures, boolean bias) implements Op {
  public Gemm {
    if (outFeatures <= 0) {
      throw new IllegalArgumentException("outFeatures must be positive, got " + outFeatures);
    }
  }

  public Gemm withOutFeatures(int f) {
    return new Gemm(f, bias);
  }

  @Override
  public OpType type() {
    return OpType.GEMM;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    TensorShape in = inputs.get(0);
    if (in.rank() != 1) {
      throw new IllegalArgumentException("Gemm needs a [F] input (add a Flatten), got " + in);
    }
    return TensorShape.of(outFeatures);
  }

  @Override
  public Map<ParamRole, int[]> paramShapes(List<TensorShape> inputs) {
    int[] w = {outFeatures, inputs.get(0).channels()};
    return bias ? Map.of(ParamRole.WEIGHT, w, ParamRole.BIAS, new int[] {outFeatures}) : Map.of(ParamRole.WEIGHT, w);
  }

  @Override
  public long macs(List<TensorShape> inputs, TensorShape output) {
    return (long) inputs.get(0).channels() * outFeatures;
  }
}
