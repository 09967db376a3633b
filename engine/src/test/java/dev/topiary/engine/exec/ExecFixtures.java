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
import dev.topiary.engine.graph.Dropout;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.GlobalAveragePool;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.HardSwish;
import dev.topiary.engine.graph.Hw;
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
   * One training-mode pass of a {@link #coverage()} block over a fixed batch of 4 (seeded inputs,
   * engine seed 1 for dropout): backward of sum(output * target) fills the parameters' gradients.
   */
  static void coverageTrainingPass(GraphBlock block, NDManager m) {
    NDArray x = input(m, 3, 4, 3, 9, 9);
    NDArray target = input(m, 4, 4, 6);
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
