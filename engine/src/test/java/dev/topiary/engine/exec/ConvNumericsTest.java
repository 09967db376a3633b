package dev.topiary.engine.exec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.GlobalAveragePool;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Convolutions on the CPU against a plain-Java convolution, on shapes where libtorch 2.5.1's oneDNN
 * computes wrong values on our machines in one memory order (see {@link CpuConvRoutes}): the graph
 * must give the right values whichever order {@link EngineSettings#cpuConvOrder()} prefers.
 * Each shape is one the ONNX fixtures hit; all at batch 2 (at batch 1 libtorch does not use oneDNN
 * for these).
 */
class ConvNumericsTest {
  private static final double TOLERANCE = 1e-4;

  private NDManager manager;
  private ConvOrder before;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager(ai.djl.Device.cpu());
    before = EngineSettings.cpuConvOrder();
  }

  @AfterEach
  void close() {
    EngineSettings.setCpuConvOrder(before);
    manager.close();
  }

  /** The matting fixtures' /lr3/lr3.0/Conv (wrong by 0.37 in NCHW order). */
  @Test
  void threeByThreeConvReading24ChannelsInNchwOrder() {
    Conv conv = Conv.of(24, 3, 1, 1);
    GraphBuilder b = Graph.builder("lr3");
    b.input("x", 24, 16, 16);
    b.add("conv", conv, "x");
    assertMatchesReference(b.output("conv").build(), conv, false);
  }

  /** yolo's Detect head (out0: 16 to 45 channels, wrong by 0.16 in NHWC order). */
  @Test
  void oneByOneConvWriting45ChannelsInNhwcOrder() {
    Conv conv = Conv.of(45, 1, 1, 0).withBias(true);
    GraphBuilder b = Graph.builder("detect");
    b.input("x", 16, 16, 16);
    b.add("conv", conv, "x");
    assertMatchesReference(b.output("conv").build(), conv, true);
  }

  /**
   * MobileNetV2 with folded BN: a 1x1 conv with bias on a 1x1 map that arrives in NHWC order (after
   * a conv and a global pool), 144 to 40 channels: wrong by 0.62 in NHWC order. The same conv on a
   * map that arrives in NCHW order runs first: on one pixel the two orders are the same memory, and
   * what was found for one arrival must not be taken for the other.
   */
  @Test
  void oneByOneConvWithBiasOnAOnePixelNhwcMap() {
    EngineSettings.setCpuChannelsLast(true);
    GraphBuilder first = Graph.builder("project-nchw");
    first.input("x", 144, 4, 4);
    first.add("pool", new GlobalAveragePool(), "x");
    first.add("project", Conv.of(40, 1, 1, 0).withBias(true), "pool");
    block(first.output("project").build()).infer(manager.create(random(new Random(3), 2 * 144 * 16), new Shape(2, 144, 4, 4)));

    GraphBuilder b = Graph.builder("project");
    b.input("x", 8, 4, 4);
    Conv expand = Conv.of(144, 3, 1, 1);
    Conv project = Conv.of(40, 1, 1, 0).withBias(true);
    b.add("expand", expand, "x");
    b.add("pool", new GlobalAveragePool(), "expand");
    b.add("project", project, "pool");
    GraphBlock block = block(b.output("project").build());
    float[] x = random(new Random(11), 2 * 8 * 4 * 4);
    float[] got = block.infer(manager.create(x, new Shape(2, 8, 4, 4))).toFloatArray();
    float[] expanded = ConvReference.forward(x, new long[] {2, 8, 4, 4}, param(block, "expand", ParamRole.WEIGHT), null, expand);
    float[] pooled = new float[2 * 144];
    for (int i = 0; i < pooled.length; i++) {
      for (int p = 0; p < 16; p++) {
        pooled[i] += expanded[i * 16 + p] / 16;
      }
    }
    float[] want = ConvReference.forward(pooled, new long[] {2, 144, 1, 1}, param(block, "project", ParamRole.WEIGHT),
        param(block, "project", ParamRole.BIAS), project);
    assertClose(want, got, "output");
  }

  /** The input gradient of a 3x3 conv, 16 to 24 channels, in NCHW order (wrong by 0.35). */
  @Test
  void inputGradientOfAThreeByThreeConvInNchwOrder() {
    EngineSettings.setCpuChannelsLast(false);
    Conv conv = Conv.of(24, 3, 1, 1);
    GraphBuilder b = Graph.builder("grad");
    b.input("x", 16, 8, 8);
    b.add("conv", conv, "x");
    GraphBlock block = block(b.output("conv").build());
    Random r = new Random(13);
    long[] shape = {2, 16, 8, 8};
    float[] x = random(r, 2 * 16 * 8 * 8);
    float[] dy = random(r, 2 * 24 * 8 * 8);
    NDArray xa = manager.create(x, new Shape(shape));
    xa.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray y = block.forward(new ParameterStore(manager, false), new NDList(xa), true).head();
      gc.backward(y.mul(manager.create(dy, y.getShape())).sum());
    }
    float[] w = param(block, "conv", ParamRole.WEIGHT);
    float[] want = ConvReference.inputGradient(dy, shape, w, conv);
    assertClose(want, xa.getGradient().toFloatArray(), "input gradient");
  }

  /** Inference at batch 2 against the plain-Java convolution, in the given order. */
  private void assertMatchesReference(Graph g, Conv conv, boolean channelsLast) {
    EngineSettings.setCpuChannelsLast(channelsLast);
    GraphBlock block = block(g);
    long[] shape = g.inputs().get(0).shape().withBatch(2).getShape();
    float[] x = random(new Random(7), (int) new Shape(shape).size());
    float[] got = block.infer(manager.create(x, new Shape(shape))).toFloatArray();
    float[] bias = conv.bias() ? param(block, "conv", ParamRole.BIAS) : null;
    assertClose(ConvReference.forward(x, shape, param(block, "conv", ParamRole.WEIGHT), bias, conv), got, "output");
  }

  private GraphBlock block(Graph g) {
    GraphBlock b = new GraphBlock(g, 5);
    b.initialize(manager);
    return b;
  }

  private static float[] param(GraphBlock b, String node, ParamRole role) {
    return b.parameterData(new ParamKey(node, role));
  }

  private static float[] random(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** max |want - got| over the largest |want|. */
  private static void assertClose(float[] want, float[] got, String what) {
    double diff = 0;
    double scale = 1e-30;
    for (int i = 0; i < want.length; i++) {
      diff = Math.max(diff, Math.abs(want[i] - got[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    assertTrue(diff / scale <= TOLERANCE, what + " differs from the plain-Java convolution by " + diff / scale + " of its scale");
  }
}
