package dev.topiary.engine.graph;

/**
 * The operator types of the IR. The JSON name is the ONNX operator name where ONNX has one;
 * {@link #ZERO_PAD_SHORTCUT} is the option-A residual shortcut of CIFAR ResNets (spatial subsample
 * plus zero channel padding), which ONNX expresses as Slice + Pad.
 */
public enum OpType {
  CONV("Conv", Conv.class),
  BATCH_NORMALIZATION("BatchNormalization", BatchNormalization.class),
  RELU("Relu", Relu.class),
  CLIP("Clip", Clip.class),
  LEAKY_RELU("LeakyRelu", LeakyRelu.class),
  SIGMOID("Sigmoid", Sigmoid.class),
  SILU("SiLU", SiLU.class),
  HARD_SWISH("HardSwish", HardSwish.class),
  MAX_POOL("MaxPool", MaxPool.class),
  AVERAGE_POOL("AveragePool", AveragePool.class),
  GLOBAL_AVERAGE_POOL("GlobalAveragePool", GlobalAveragePool.class),
  ADD("Add", Add.class),
  CONCAT("Concat", Concat.class),
  FLATTEN("Flatten", Flatten.class),
  GEMM("Gemm", Gemm.class),
  DROPOUT("Dropout", Dropout.class),
  UPSAMPLE("Upsample", Upsample.class),
  IDENTITY("Identity", Identity.class),
  ZERO_PAD_SHORTCUT("ZeroPadShortcut", ZeroPadShortcut.class),
  MUL("Mul", Mul.class),
  SUB("Sub", Sub.class),
  DIV("Div", Div.class),
  CONSTANT("Constant", Constant.class),
  HARD_SIGMOID("HardSigmoid", HardSigmoid.class),
  INSTANCE_NORMALIZATION("InstanceNormalization", InstanceNormalization.class),
  PAD("Pad", Pad.class),
  SLICE("Slice", Slice.class),
  RESHAPE("Reshape", Reshape.class),
  RESIZE("Resize", Resize.class),
  SOFTMAX("Softmax", Softmax.class),
  LOG_SOFTMAX("LogSoftmax", LogSoftmax.class);

  private final String jsonName;
  private final Class<? extends Op> opClass;

  OpType(String jsonName, Class<? extends Op> opClass) {
    this.jsonName = jsonName;
    this.opClass = opClass;
  }

  /** The name used in graph JSON. */
  public String jsonName() {
    return jsonName;
  }

  /** The record class holding this op's attributes. */
  public Class<? extends Op> opClass() {
    return opClass;
  }

  /** Looks a JSON name up; null when unknown. */
  public static OpType fromJsonName(String name) {
    for (OpType t : values()) {
      if (t.jsonName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
