package dev.topiary.engine.prune;

import dev.topiary.engine.graph.Concat;
import dev.topiary.engine.graph.Constant;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.GlobalAveragePool;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.HardSigmoid;
import dev.topiary.engine.graph.InstanceNormalization;
import dev.topiary.engine.graph.Mul;
import dev.topiary.engine.graph.Pad;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.graph.Reshape;
import dev.topiary.engine.graph.Resize;
import dev.topiary.engine.graph.SiLU;
import dev.topiary.engine.graph.Sigmoid;
import dev.topiary.engine.graph.Slice;
import dev.topiary.engine.graph.Sub;
import dev.topiary.engine.graph.TensorShape;

/** Small graphs shaped like imported ONNX models, shared by the dependency and surgery tests. */
final class ImportedGraphs {
  private ImportedGraphs() {}

  /**
   * An SE block with a Conv gate (EfficientNet's; SiLU rather than ReLU in the squeeze, so that no
   * unit is dead for every input and each pruning changes the output), per-channel constants, instance norm, pad,
   * resizes in both modes and a channel split (input 3x8x8, output 5):
   *
   * <pre>
   * conv1 - in1 - relu1 -------------------------- se (Mul) - scaled (x scale) - centred (- mean)
   *                  \- gap - se.reduce - se.act - se.expand - se.gate (HardSigmoid) -/
   * centred - pad - up (linear, half_pixel, x2) - conv2 - act2 (SiLU) - near (nearest, x2)
   *   - lin (linear, align_corners, x0.5) - a = Slice(0, 2) - convA \
   *                                       - b = Slice(2, 6) - convB - cat - gap2 - flat - fc
   * </pre>
   */
  static Graph seConv() {
    GraphBuilder b = Graph.builder("se-conv");
    b.input("x", 3, 8, 8);
    b.add("conv1", Conv.of(8, 3, 1, 1), "x");
    b.add("in1", new InstanceNormalization(1e-5), "conv1");
    b.add("relu1", new Relu(), "in1");
    b.add("gap", new GlobalAveragePool(), "relu1");
    b.add("se.reduce", Conv.of(4, 1, 1, 0).withBias(true), "gap");
    b.add("se.act", new SiLU(), "se.reduce");
    b.add("se.expand", Conv.of(8, 1, 1, 0).withBias(true), "se.act");
    b.add("se.gate", HardSigmoid.torch(), "se.expand");
    b.add("se", new Mul(), "relu1", "se.gate");
    b.add("scale", new Constant(TensorShape.of(8, 1, 1)));
    b.add("scaled", new Mul(), "se", "scale");
    b.add("mean", new Constant(TensorShape.of(8, 1, 1)));
    b.add("centred", new Sub(), "scaled", "mean");
    b.add("pad", new Pad(1, 0, 0, 1), "centred"); // 8x9x9
    b.add("up", new Resize(Resize.LINEAR, Resize.HALF_PIXEL, 2, 2), "pad"); // 8x18x18
    b.add("conv2", Conv.of(6, 3, 2, 1).withBias(true), "up"); // 6x9x9
    b.add("act2", new SiLU(), "conv2");
    b.add("near", new Resize(Resize.NEAREST, Resize.ASYMMETRIC, 2, 2), "act2"); // 6x18x18
    b.add("lin", new Resize(Resize.LINEAR, Resize.ALIGN_CORNERS, 0.5, 0.5), "near"); // 6x9x9
    b.add("a", new Slice(0, 2), "lin");
    b.add("b", new Slice(2, 6), "lin");
    b.add("convA", Conv.of(4, 1, 1, 0), "a");
    b.add("convB", Conv.of(4, 1, 1, 0), "b");
    b.add("cat", new Concat(), "convA", "convB");
    b.add("gap2", new GlobalAveragePool(), "cat");
    b.add("flat", new Flatten(), "gap2");
    b.add("fc", new Gemm(5, true), "flat");
    return b.output("fc").build();
  }

  /**
   * An SE block with a Gemm gate (Flatten, Gemm, SiLU, Gemm, Reshape to [C, 1, 1], Sigmoid), the
   * gate as Mul's first operand, then a scalar constant (input 3x8x8, output 5).
   */
  static Graph seGemm() {
    GraphBuilder b = Graph.builder("se-gemm");
    b.input("x", 3, 8, 8);
    b.add("conv1", Conv.of(6, 3, 1, 1).withBias(true), "x");
    b.add("relu1", new Relu(), "conv1");
    b.add("gap", new GlobalAveragePool(), "relu1");
    b.add("squeeze", new Flatten(), "gap");
    b.add("fc1", new Gemm(3, true), "squeeze");
    b.add("fc1.act", new SiLU(), "fc1");
    b.add("fc2", new Gemm(6, true), "fc1.act");
    b.add("unsqueeze", new Reshape(TensorShape.of(6, 1, 1)), "fc2");
    b.add("gate", new Sigmoid(), "unsqueeze");
    b.add("se", new Mul(), "gate", "relu1");
    b.add("half", new Constant(TensorShape.of(1, 1, 1)));
    b.add("scaled", new Mul(), "se", "half");
    b.add("conv2", Conv.of(4, 3, 1, 1).withBias(true), "scaled");
    b.add("relu2", new Relu(), "conv2");
    b.add("gap2", new GlobalAveragePool(), "relu2");
    b.add("flat", new Flatten(), "gap2");
    b.add("fc", new Gemm(5, true), "flat");
    return b.output("fc").build();
  }
}
