package dev.topiary.engine.graph;

import java.util.List;
import java.util.Map;

/**
 * One operator of the model IR, with its attributes. Implementations are immutable records named
 * after their ONNX counterparts; their compact constructors reject invalid attributes with an
 * {@link IllegalArgumentException} naming the attribute (the graph adds the node name).
 *
 * <p>Shapes are per sample (no batch dimension). {@link #inferShape} and {@link #paramShapes} are
 * only called with the number of inputs that {@link #arity()} allows.
 */
public sealed interface Op
    permits Conv, BatchNormalization, Relu, Clip, LeakyRelu, Sigmoid, SiLU, HardSwish, MaxPool,
        AveragePool, GlobalAveragePool, Add, Concat, Flatten, Gemm, Dropout, Upsample, Identity,
        ZeroPadShortcut, Mul, Sub, Div, Constant, HardSigmoid, InstanceNormalization, Pad, Slice,
        Reshape, Resize, Softmax, LogSoftmax {

  /** The operator type. */
  OpType type();

  /** Exact number of inputs (0 for a {@link Constant}), or {@link #VARIADIC} for two or more. */
  default int arity() {
    return 1;
  }

  /** Marker for ops that take two or more inputs. */
  int VARIADIC = -1;

  /**
   * The output shape for these input shapes.
   *
   * @throws IllegalArgumentException when the inputs do not fit, saying why
   */
  TensorShape inferShape(List<TensorShape> inputs);

  /** The shapes of the parameters this op owns, for these input shapes; empty when it has none. */
  default Map<ParamRole, int[]> paramShapes(List<TensorShape> inputs) {
    return Map.of();
  }

  /**
   * Multiply-accumulate operations for one sample. Only Conv and Gemm count (weights times
   * activations, biases excluded), the convention of HRank's and thop's published figures.
   */
  default long macs(List<TensorShape> inputs, TensorShape output) {
    return 0;
  }

  /** Whether every output channel depends only on the same input channel (activations, pooling). */
  default boolean channelwise() {
    return false;
  }
}
