package dev.topiary.engine.exec;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.topiary.engine.graph.Add;
import dev.topiary.engine.graph.Constant;
import dev.topiary.engine.graph.Div;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.HardSigmoid;
import dev.topiary.engine.graph.InstanceNormalization;
import dev.topiary.engine.graph.LogSoftmax;
import dev.topiary.engine.graph.Mul;
import dev.topiary.engine.graph.Op;
import dev.topiary.engine.graph.Pad;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Reshape;
import dev.topiary.engine.graph.Resize;
import dev.topiary.engine.graph.Slice;
import dev.topiary.engine.graph.Softmax;
import dev.topiary.engine.graph.Sub;
import dev.topiary.engine.graph.TensorShape;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kernels of the imported ops against values computed by hand or in plain Java, PyTorch's semantics. */
class ImportedKernelsTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** A block for the graph with the given Constant values, initialised. */
  private GraphBlock block(Graph g, Map<String, float[]> constants) {
    GraphBlock b = new GraphBlock(g);
    b.initialize(manager);
    constants.forEach((node, v) -> b.setParameter(new ParamKey(node, ParamRole.VALUE), v));
    return b;
  }

  /** Inference on one sample of the graph's input shape; checks the output shape against the graph's. */
  private float[] infer(GraphBlock b, float[] x) {
    Graph g = b.graph();
    NDArray out = b.infer(manager.create(x, g.inputs().get(0).shape().withBatch(1)));
    assertEquals(g.shape(g.outputs().get(0)).withBatch(1), out.getShape());
    return out.toFloatArray();
  }

  private float[] run(Op op, int[] shape, float[] x) {
    GraphBuilder b = Graph.builder("one-op");
    b.input("x", shape);
    b.add("op", op, "x");
    return infer(block(b.output("op").build(), Map.of()), x);
  }

  /** x (op) c for a per-channel constant c of shape [C, 1, 1]; {@code constantFirst} swaps the operands. */
  private float[] withConstant(Op op, int[] shape, float[] x, float[] c, boolean constantFirst) {
    GraphBuilder b = Graph.builder("with-constant");
    b.input("x", shape);
    b.add("c", new Constant(TensorShape.of(c.length, 1, 1)));
    b.add("op", op, constantFirst ? new String[] {"c", "x"} : new String[] {"x", "c"});
    return infer(block(b.output("op").build(), Map.of("c", c)), x);
  }

  private static float[] oneTo(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i + 1;
    }
    return v;
  }

  @Test
  void mulSubAndDivBroadcastAPerChannelConstantOverThePixels() {
    int[] shape = {2, 2, 2};
    float[] x = oneTo(8); // channel 0: 1..4, channel 1: 5..8
    float[] c = {2, -4};
    assertArrayEquals(new float[] {2, 4, 6, 8, -20, -24, -28, -32}, withConstant(new Mul(), shape, x, c, false));
    assertArrayEquals(new float[] {-1, 0, 1, 2, 9, 10, 11, 12}, withConstant(new Sub(), shape, x, c, false));
    assertArrayEquals(new float[] {1, 0, -1, -2, -9, -10, -11, -12}, withConstant(new Sub(), shape, x, c, true));
    assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2, -1.25f, -1.5f, -1.75f, -2}, withConstant(new Div(), shape, x, c, false));
    assertArrayEquals(new float[] {2, 1, 2 / 3f, 0.5f, -0.8f, -4 / 6f, -4 / 7f, -0.5f}, withConstant(new Div(), shape, x, c, true), 1e-6f);
  }

  @Test
  void addSumsInputsOfDifferentShapesWhicheverComesFirst() {
    // the two small inputs first: the sum so far is smaller than the third input
    GraphBuilder b = Graph.builder("add3");
    b.input("x", 2, 1, 2);
    b.add("perChannel", new Constant(TensorShape.of(2, 1, 1)));
    b.add("scalar", new Constant(TensorShape.of(1, 1, 1)));
    b.add("sum", new Add(), "perChannel", "scalar", "x");
    GraphBlock block = block(b.output("sum").build(), Map.of("perChannel", new float[] {10, 20}, "scalar", new float[] {100}));
    assertArrayEquals(new float[] {111, 112, 123, 124}, infer(block, oneTo(4)));
  }

  @Test
  void aConstantKeepsItsBufferAcrossPasses() {
    // the executor closes a node's output after its last reader: the buffer itself must survive
    GraphBuilder b = Graph.builder("scaled");
    b.input("x", 2, 1, 1);
    b.add("c", new Constant(TensorShape.of(2, 1, 1)));
    b.add("y", new Mul(), "x", "c");
    GraphBlock block = block(b.output("y").build(), Map.of("c", new float[] {3, 5}));
    for (int pass = 0; pass < 3; pass++) {
      assertArrayEquals(new float[] {3, 10}, infer(block, new float[] {1, 2}), "pass " + pass);
    }
    assertArrayEquals(new float[] {3, 5}, block.parameterData(new ParamKey("c", ParamRole.VALUE)));
    assertFalse(block.getParameters().get("c.value").requiresGradient());
  }

  @Test
  void hardSigmoidClampsAlphaXPlusBetaToZeroOne() {
    float[] x = {-4, -2.5f, 0, 1, 2.5f, 4};
    assertArrayEquals(new float[] {0, 0, 0.5f, 0.7f, 1, 1}, run(new HardSigmoid(0.2, 0.5), new int[] {6}, x), 1e-6f);
    assertArrayEquals(new float[] {0, 0.0833333f, 0.5f, 0.6666667f, 0.9166667f, 1}, run(HardSigmoid.torch(), new int[] {6}, x), 1e-6f);
  }

  @Test
  void hardSigmoidTrainsWithTorchGradient() {
    // torch.nn.Hardsigmoid's backward: 1/6 strictly inside (-3, 3), 0 at the bounds and beyond
    float[] x = {-4, -3, -1, 0, 2, 3, 4};
    NDArray input = manager.create(x, new Shape(1, x.length));
    input.setRequiresGradient(true);
    GraphBuilder b = Graph.builder("hsig");
    b.input("x", x.length);
    b.add("op", HardSigmoid.torch(), "x");
    GraphBlock block = block(b.output("op").build(), Map.of());
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray y = block.forward(new ParameterStore(manager, false), new NDList(input), true).singletonOrThrow();
      collector.backward(y.sum());
    }
    float s = 1 / 6f;
    assertArrayEquals(new float[] {0, 0, s, s, s, 0, 0}, input.getGradient().toFloatArray(), 1e-6f);
  }

  @Test
  void instanceNormMatchesAPlainJavaComputation() {
    int n = 2;
    int c = 3;
    int hw = 20;
    float[] x = ExecFixtures.uniform(n * c * hw, -3, 5, 1);
    float[] gamma = {0.5f, -1.5f, 2};
    float[] beta = {0.1f, 0, -0.7f};
    GraphBuilder b = Graph.builder("in");
    b.input("x", c, 4, 5);
    b.add("in", new InstanceNormalization(1e-3), "x");
    GraphBlock block = block(b.output("in").build(), Map.of());
    block.setParameter(new ParamKey("in", ParamRole.GAMMA), gamma);
    block.setParameter(new ParamKey("in", ParamRole.BETA), beta);
    float[] got = block.infer(manager.create(x, new Shape(n, c, 4, 5))).toFloatArray();
    float[] expected = new float[x.length];
    for (int map = 0; map < n * c; map++) {
      double mean = 0;
      for (int i = 0; i < hw; i++) {
        mean += x[map * hw + i];
      }
      mean /= hw;
      double var = 0; // biased, as torch and ONNX
      for (int i = 0; i < hw; i++) {
        var += (x[map * hw + i] - mean) * (x[map * hw + i] - mean);
      }
      var /= hw;
      for (int i = 0; i < hw; i++) {
        expected[map * hw + i] = (float) ((x[map * hw + i] - mean) / Math.sqrt(var + 1e-3) * gamma[map % c] + beta[map % c]);
      }
    }
    assertArrayEquals(expected, got, 1e-5f);
  }

  @Test
  void padAddsZeroRowsAndColumnsOnEachSide() {
    // top 1, left 0, bottom 0, right 2 around [[1, 2], [3, 4]]
    float[] got = run(new Pad(1, 0, 0, 2), new int[] {1, 2, 2}, oneTo(4));
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0}, got);
  }

  @Test
  void sliceTakesChannelsStartToEnd() {
    assertArrayEquals(new float[] {3, 4, 5, 6}, run(new Slice(1, 3), new int[] {4, 1, 2}, oneTo(8)));
  }

  @Test
  void reshapeKeepsEachChannelsValues() {
    assertArrayEquals(new float[] {1, 2, 3, 4}, run(new Reshape(TensorShape.of(4, 1, 1)), new int[] {4}, oneTo(4)));
  }

  @Test
  void resizeNearestRepeatsOrSkipsPixels() {
    float[] up = run(new Resize(Resize.NEAREST, Resize.ASYMMETRIC, 2, 2), new int[] {1, 2, 2}, oneTo(4));
    assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, up);
    // a half: output pixel i reads input pixel floor(i * 2)
    float[] down = run(new Resize(Resize.NEAREST, Resize.ASYMMETRIC, 0.5, 0.5), new int[] {1, 4, 4}, oneTo(16));
    assertArrayEquals(new float[] {1, 3, 9, 11}, down);
  }

  @Test
  void resizeLinearHalfPixelIsTorchsAlignCornersFalse() {
    // source coordinate (i + 0.5) / 2 - 0.5 clamped to [0, 1]: weights (1, 0), (.75, .25), (.25, .75), (0, 1)
    float[] expected = {
      1, 1.25f, 1.75f, 2,
      1.5f, 1.75f, 2.25f, 2.5f,
      2.5f, 2.75f, 3.25f, 3.5f,
      3, 3.25f, 3.75f, 4};
    for (String coordinates : new String[] {Resize.HALF_PIXEL, Resize.PYTORCH_HALF_PIXEL}) {
      float[] got = run(new Resize(Resize.LINEAR, coordinates, 2, 2), new int[] {1, 2, 2}, oneTo(4));
      assertArrayEquals(expected, got, 1e-6f, coordinates);
    }
  }

  @Test
  void resizeLinearAlignCornersKeepsTheCorners() {
    // source coordinate i / 3: the corners stay, the plane 1 + j + 2 i through them is sampled exactly
    float[] got = run(new Resize(Resize.LINEAR, Resize.ALIGN_CORNERS, 2, 2), new int[] {1, 2, 2}, oneTo(4));
    float[] expected = new float[16];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        expected[i * 4 + j] = 1 + j / 3f + 2 * i / 3f;
      }
    }
    assertArrayEquals(expected, got, 1e-6f);
  }

  @Test
  void resizeLinearShrinksWithoutAntiAliasing() {
    // torch's interpolate(scale_factor=0.5, mode='bilinear'): sources 0.5 and 2.5 on each axis of the
    // plane 1 + j + 4 i (an anti-aliased resize, PIL's, would average whole 2x2 blocks instead)
    float[] got = run(new Resize(Resize.LINEAR, Resize.HALF_PIXEL, 0.5, 0.5), new int[] {1, 4, 4}, oneTo(16));
    assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, got, 1e-6f);
  }

  @Test
  void resizeMapsCoordinatesWithOneOverScaleWhenTheSizeIsNotWhole() {
    // width 3 at scale 1.6 gives 4 pixels; sources (j + 0.5) / 1.6 - 0.5 = 0 (clamped), 0.4375,
    // 1.0625, 1.6875 (the ratio 3 / 4 would give 0, 0.625, 1.375, 2.125)
    float[] got = run(new Resize(Resize.LINEAR, Resize.HALF_PIXEL, 1, 1.6), new int[] {1, 1, 3}, new float[] {1, 2, 3});
    assertArrayEquals(new float[] {1, 1.4375f, 2.0625f, 2.6875f}, got, 1e-6f);
  }

  @Test
  void softmaxAndLogSoftmaxNormaliseOverTheChannelsOfEachPixel() {
    int c = 3;
    int pixels = 4;
    float[] x = ExecFixtures.uniform(c * pixels, -3, 3, 5);
    float[] soft = run(new Softmax(), new int[] {c, 2, 2}, x);
    float[] logSoft = run(new LogSoftmax(), new int[] {c, 2, 2}, x);
    for (int p = 0; p < pixels; p++) {
      double sum = 0;
      double total = 0;
      for (int k = 0; k < c; k++) {
        total += Math.exp(x[k * pixels + p]);
      }
      for (int k = 0; k < c; k++) {
        float expected = (float) (Math.exp(x[k * pixels + p]) / total);
        assertEquals(expected, soft[k * pixels + p], 1e-6f, "pixel " + p + ", channel " + k);
        assertEquals(Math.log(expected), logSoft[k * pixels + p], 1e-5f, "pixel " + p + ", channel " + k);
        sum += soft[k * pixels + p];
      }
      assertEquals(1, sum, 1e-6, "pixel " + p);
    }
  }
}
