package dev.topiary.engine.graph;

import java.util.List;
import java.util.Map;

/**
 * Instance normalization (torch.nn.InstanceNorm2d with affine=True, ONNX InstanceNormalization):
 * each sample's channel is normalised over its own height and width, then scaled by gamma and
 * shifted by beta, both of length C. No running statistics.
 */
public record InstanceNormalization(double epsilon) implements Op {
  public InstanceNormalization {
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
    }
  }

  @Override
  public OpType type() {
    return OpType.INSTANCE_NORMALIZATION;
  }

  @Override
  public TensorShape inferShape(List<TensorShape> inputs) {
    return OpShapes.featureMap(inputs, "InstanceNormalization");
  }

  @Override
  public Map<ParamRole, int[]> paramShapes(List<TensorShape> inputs) {
    int[] c = {inputs.get(0).channels()};
    return Map.of(ParamRole.GAMMA, c, ParamRole.BETA, c.clone());
  }

  @Override
  public boolean channelwise() {
    return true;
  }
}
