package dev.topiary.engine.exec;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.topiary.engine.graph.Add;
import dev.topiary.engine.graph.AveragePool;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Clip;
import dev.topiary.engine.graph.Concat;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Constant;
import dev.topiary.engine.graph.Div;
import dev.topiary.engine.graph.HardSigmoid;
import dev.topiary.engine.graph.InstanceNormalization;
import dev.topiary.engine.graph.LogSoftmax;
import dev.topiary.engine.graph.Mul;
import dev.topiary.engine.graph.Pad;
import dev.topiary.engine.graph.Reshape;
import dev.topiary.engine.graph.Resize;
import dev.topiary.engine.graph.Slice;
import dev.topiary.engine.graph.Softmax;
import dev.topiary.engine.graph.Sub;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.graph.Dropout;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.GlobalAveragePool;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.HardSwish;
import dev.topiary.engine.graph.Hw;
import dev.topiary.engine.graph.Identity;
import dev.topiary.engine.graph.LeakyRelu;
import dev.topiary.engine.graph.MaxPool;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.graph.SiLU;
import dev.topiary.engine.graph.Sigmoid;
import dev.topiary.engine.graph.Upsample;
import dev.topiary.engine.graph.ZeroPadShortcut;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Tiny graphs and data shared by the exec tests. */
final class ExecFixtures {
  private ExecFixtures() {}

  /**
   * Every op type in one small network (input 3x9x9, output 6). Biases sit where no BN follows, so
   * every learnable parameter gets a non-zero gradient in training mode.
   */
  static Graph coverage() {
    GraphBuilder b = Graph.builder("coverage");
    b.input("x", 3, 9, 9);
    b.add("conv1", Conv.of(8, 3, 1, 1), "x");
    b.add("bn1", BatchNormalization.standard(), "conv1");
    b.add("relu1", new Relu(), "bn1");
    b.add("dw", new Conv(8, Hw.square(3), Hw.square(2), Hw.square(2), Hw.square(2), 8, false), "relu1"); // 8x5x5
    b.add("bn2", BatchNormalization.standard(), "dw");
    b.add("clip", Clip.relu6(), "bn2");
    b.add("pw", Conv.of(4, 1, 1, 0).withBias(true), "clip");
    b.add("leaky", new LeakyRelu(0.1), "pw");
    b.add("grp", Conv.of(4, 3, 1, 1).withGroups(2), "clip");
    b.add("silu", new SiLU(), "grp");
    b.add("cat", new Concat(), "leaky", "silu");
    b.add("add", new Add(), "cat", "clip");
    b.add("hs", new HardSwish(), "add");
    b.add("mp", new MaxPool(Hw.square(3), Hw.square(2), Hw.square(1), true), "hs"); // 8x3x3
    b.add("ap", new AveragePool(Hw.square(2), Hw.square(2), Hw.square(1), true, true), "hs"); // 8x3x3
    b.add("add2", new Add(), "mp", "ap");
    b.add("zp", new ZeroPadShortcut(2, 2, 2), "add2"); // 12x2x2
    b.add("up", new Upsample(2), "zp"); // 12x4x4
    b.add("sig", new Sigmoid(), "up");
    b.add("gap", new GlobalAveragePool(), "sig");
    b.add("flat", new Flatten(), "gap");
    b.add("bn3", BatchNormalization.standard(), "flat");
    b.add("drop", new Dropout(0.5), "bn3");
    b.add("fc", new Gemm(6, true), "drop");
    return b.output("fc").build();
  }

  /**
   * Every op type that ONNX import brings, in one small network (input 3x8x8, output 5): input
   * normalisation by per-channel constants, an asymmetric pad, instance norm, an SE gate (Gemm,
   * Reshape, HardSigmoid, Mul), a scalar and a per-channel constant, resizes in each mode and
   * coordinate rule, a channel split by two slices, a channel softmax as attention and a
   * log-softmax at the output (and an Identity, which {@link #coverage()} lacks). Call {@link #randomizeConstants} before dividing by the constants.
   */
  static Graph imported() {
    GraphBuilder b = Graph.builder("imported");
    b.input("x", 3, 8, 8);
    b.add("mean", new Constant(TensorShape.of(3, 1, 1)));
    b.add("std", new Constant(TensorShape.of(3, 1, 1)));
    b.add("centred", new Sub(), "x", "mean");
    b.add("normed", new Div(), "centred", "std");
    b.add("pad", new Pad(1, 0, 0, 1), "normed"); // 3x9x9
    b.add("conv1", Conv.of(8, 3, 1, 1), "pad");
    b.add("in1", new InstanceNormalization(1e-5), "conv1");
    b.add("relu1", new Relu(), "in1");
    b.add("gap", new GlobalAveragePool(), "relu1");
    b.add("squeeze", new Flatten(), "gap");
    b.add("fc", new Gemm(8, true), "squeeze");
    b.add("unsqueeze", new Reshape(TensorShape.of(8, 1, 1)), "fc");
    b.add("gate", HardSigmoid.torch(), "unsqueeze");
    b.add("se", new Mul(), "relu1", "gate");
    b.add("scale", new Constant(TensorShape.of(1, 1, 1)));
    b.add("scaled", new Mul(), "se", "scale");
    b.add("shift", new Constant(TensorShape.of(8, 1, 1)));
    b.add("shifted", new Add(), "scaled", "shift");
    b.add("up", new Resize(Resize.LINEAR, Resize.HALF_PIXEL, 2, 2), "shifted"); // 8x18x18
    b.add("left", new Slice(0, 3), "up");
    b.add("right", new Slice(3, 8), "up");
    b.add("convL", Conv.of(4, 3, 2, 1).withBias(true), "left"); // 4x9x9
    b.add("down", new Resize(Resize.NEAREST, Resize.ASYMMETRIC, 0.5, 0.5), "right"); // 5x9x9
    b.add("same", new Identity(), "down"); // coverage() has none
    b.add("cat", new Concat(), "convL", "same");
    b.add("up2", new Resize(Resize.LINEAR, Resize.ALIGN_CORNERS, 1.5, 1.5), "cat"); // 9x13x13
    b.add("att", new Softmax(), "up2");
    b.add("attended", new Mul(), "up2", "att");
    b.add("gap2", new GlobalAveragePool(), "attended");
    b.add("flat", new Flatten(), "gap2");
    b.add("fc2", new Gemm(5, true), "flat");
    b.add("logp", new LogSoftmax(), "fc2");
    return b.output("logp").build();
  }

  /** The two fixtures that between them hold every op type, by name, for parameterised tests. */
  static Stream<Arguments> everyOpType() {
    return Stream.of(Arguments.of("coverage", coverage()), Arguments.of("imported", imported()));
  }

  /** Gives every Constant values in [0.5, 1.5): non-zero divisors, factors that change something. */
  static void randomizeConstants(GraphBlock block) {
    long seed = 200;
    for (ParamKey k : block.graph().paramShapes().keySet()) {
      if (k.role() == ParamRole.VALUE) {
        block.setParameter(k, uniform(block.parameterData(k).length, 0.5f, 1.5f, seed++));
      }
    }
  }

  /**
   * One training-mode pass over a fixed batch of 4 (seeded inputs, engine seed 1 for dropout) of a
   * block with one input and one output: backward of sum(output * target) fills the parameters'
   * gradients.
   */
  /** Conv (16 in, {@code out} out, 3x3), BN, ReLU on a 16x8x8 input: a graph with one memory order to choose. */
  static Graph convBnRelu(int out) {
    GraphBuilder b = Graph.builder("cbr");
    b.input("x", 16, 8, 8);
    b.add("conv", Conv.of(out, 3, 1, 1), "x");
    b.add("bn", BatchNormalization.standard(), "conv");
    b.add("relu", new Relu(), "bn");
    return b.output("relu").build();
  }

  static void trainingPass(GraphBlock block, NDManager m) {
    Graph g = block.graph();
    NDArray x = input(m, 3, g.inputs().get(0).shape().withBatch(4).getShape());
    NDArray target = input(m, 4, g.shape(g.outputs().get(0)).withBatch(4).getShape());
    Engine.getInstance().setRandomSeed(1);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray out = block.forward(new ParameterStore(m, false), new NDList(x), true).head();
      gc.backward(out.mul(target).sum());
    }
  }

  /** Uniform values in [lo, hi), reproducible. */
  static float[] uniform(int n, float lo, float hi, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + (hi - lo) * r.nextFloat();
    }
    return v;
  }

  static NDArray input(NDManager m, long seed, long... shape) {
    Shape s = new Shape(shape);
    return m.create(uniform(Math.toIntExact(s.size()), -2, 2, seed), s);
  }

  /** Gives every BN non-default gamma, beta and running statistics, so inference tests mean something. */
  static void randomizeBatchNorms(GraphBlock block) {
    long seed = 100;
    for (ParamKey k : block.graph().paramShapes().keySet()) {
      int n = block.parameterData(k).length;
      ParamRole r = k.role();
      if (r == ParamRole.GAMMA || r == ParamRole.RUNNING_VAR) {
        block.setParameter(k, uniform(n, 0.5f, 1.5f, seed++));
      } else if (r == ParamRole.BETA || r == ParamRole.RUNNING_MEAN) {
        block.setParameter(k, uniform(n, -0.5f, 0.5f, seed++));
      }
    }
  }

  static float maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    float d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }
}
