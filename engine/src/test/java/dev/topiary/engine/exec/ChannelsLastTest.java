package dev.topiary.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.training.ParameterStore;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.Relu;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Convolutions on the CPU take channels-last input ({@link EngineSettings#cpuConvOrder()}): the
 * values and gradients are the NCHW ones within float32 rounding, through every op type (the two
 * fixtures of {@link ExecFixtures#everyOpType()}); the order
 * really changes; and an inference pass leaves no copy behind.
 */
class ChannelsLastTest {
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

  private GraphBlock block(Graph g) {
    GraphBlock b = new GraphBlock(g, 7);
    b.initialize(manager);
    ExecFixtures.randomizeBatchNorms(b);
    ExecFixtures.randomizeConstants(b);
    return b;
  }

  @Test
  void theFixturesHoldEveryOpType() {
    Set<OpType> seen = EnumSet.noneOf(OpType.class);
    ExecFixtures.everyOpType().forEach(a -> ((Graph) a.get()[1]).nodes().forEach(n -> seen.add(n.type())));
    assertEquals(EnumSet.allOf(OpType.class), seen);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.topiary.engine.exec.ExecFixtures#everyOpType")
  void inferenceMatchesNchwThroughEveryOpType(String label, Graph g) {
    GraphBlock b = block(g);
    NDArray x = ExecFixtures.input(manager, 3, g.inputs().get(0).shape().withBatch(4).getShape());
    EngineSettings.setCpuChannelsLast(false);
    float[] nchw = b.infer(x).toFloatArray();
    EngineSettings.setCpuChannelsLast(true);
    float[] nhwc = b.infer(x).toFloatArray();
    float diff = ExecFixtures.maxAbsDiff(nchw, nhwc);
    assertTrue(diff < 1e-5f, "outputs differ by " + diff);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.topiary.engine.exec.ExecFixtures#everyOpType")
  void trainingGradientsAndRunningStatisticsMatchNchw(String label, Graph g) {
    Map<String, float[]> nchw = trainOnce(g, false);
    Map<String, float[]> nhwc = trainOnce(g, true);
    assertEquals(nchw.keySet(), nhwc.keySet());
    for (String k : nchw.keySet()) {
      float diff = ExecFixtures.maxAbsDiff(nchw.get(k), nhwc.get(k));
      assertTrue(diff < 1e-4f, k + " differs by " + diff);
    }
  }

  /** Every learnable parameter's gradient and every running statistic after one training pass. */
  private Map<String, float[]> trainOnce(Graph g, boolean channelsLast) {
    EngineSettings.setCpuChannelsLast(channelsLast);
    GraphBlock b = block(g);
    ExecFixtures.trainingPass(b, manager);
    Map<String, float[]> got = new LinkedHashMap<>();
    for (Map.Entry<ParamKey, NDArray> e : b.parameterArrays().entrySet()) {
      NDArray p = e.getValue();
      got.put(e.getKey().toString(), e.getKey().role().learnable() ? p.getGradient().toFloatArray() : p.toFloatArray());
    }
    return got;
  }

  @Test
  void theConvolutionOutputIsChannelsLastOnlyWhenOn() throws ReflectiveOperationException {
    GraphBuilder g = Graph.builder("blocks");
    g.input("x", 16, 6, 6);
    g.add("conv1", Conv.of(16, 3, 1, 1), "x");
    g.add("relu1", new Relu(), "conv1");
    GraphBlock b = block(g.output("relu1").build());
    NDArray x = ExecFixtures.input(manager, 3, 4, 16, 6, 6);
    EngineSettings.setCpuChannelsLast(true);
    assertFalse(contiguous(capture(b, x, "relu1")), "NHWC strides are not NCHW-contiguous");
    EngineSettings.setCpuChannelsLast(false);
    assertTrue(contiguous(capture(b, x, "relu1")));
  }

  /** A conv whose channels leave a partial oneDNN block never runs NCHW (CpuConvRoutes.tailFree). */
  @Test
  void aConvWithAPartialChannelBlockRunsChannelsLastEvenWhenOff() throws ReflectiveOperationException {
    GraphBlock b = block(ExecFixtures.coverage());
    NDArray x = ExecFixtures.input(manager, 3, 4, 3, 9, 9);
    EngineSettings.setCpuChannelsLast(false);
    assertFalse(contiguous(capture(b, x, "relu1")));
  }

  /** A graph with one partial block runs every conv NHWC: mixed orders trained a pruned ResNet-20 to NaN. */
  @Test
  void aGraphWithAPartialChannelBlockAnywhereRunsChannelsLastThroughout() throws ReflectiveOperationException {
    GraphBuilder g = Graph.builder("mixed");
    g.input("x", 16, 6, 6);
    g.add("conv1", Conv.of(16, 3, 1, 1), "x");
    g.add("relu1", new Relu(), "conv1");
    g.add("conv2", Conv.of(24, 3, 1, 1), "relu1");
    g.add("relu2", new Relu(), "conv2");
    GraphBlock b = block(g.output("relu2").build());
    NDArray x = ExecFixtures.input(manager, 3, 4, 16, 6, 6);
    EngineSettings.setCpuChannelsLast(false);
    assertFalse(contiguous(capture(b, x, "relu1")), "the whole-block conv1 runs NHWC too");
    EngineSettings.setCpuConvOrder(ConvOrder.AUTO);
    assertFalse(contiguous(capture(b, x, "relu1")), "and auto does not choose NCHW for it");
    assertTrue(b.convOrderChoices().isEmpty(), "nothing was measured: there was nothing to choose");
  }

  @Test
  void aOneChannelInputIsLeftAsItIsAndTheNextConvolutionConverts() throws ReflectiveOperationException {
    GraphBuilder g = Graph.builder("gray");
    g.input("x", 1, 6, 6);
    g.add("conv1", Conv.of(4, 3, 1, 1), "x");
    g.add("relu1", new Relu(), "conv1");
    g.add("conv2", Conv.of(4, 3, 1, 1), "relu1");
    GraphBlock b = block(g.output("conv2").build());
    NDArray x = ExecFixtures.input(manager, 5, 2, 1, 6, 6);
    EngineSettings.setCpuChannelsLast(true);
    assertTrue(contiguous(capture(b, x, "relu1")), "one input channel: nothing to reorder");
    assertFalse(contiguous(capture(b, x, "conv2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.topiary.engine.exec.ExecFixtures#everyOpType")
  void anInferencePassLeavesNoCopyInTheCallersManager(String label, Graph g) {
    GraphBlock b = block(g);
    EngineSettings.setCpuChannelsLast(true);
    try (NDManager caller = manager.newSubManager()) {
      NDArray x = ExecFixtures.input(caller, 3, g.inputs().get(0).shape().withBatch(4).getShape());
      int held = caller.getManagedArrays().size();
      for (int i = 0; i < 3; i++) {
        b.infer(x).close();
      }
      assertEquals(held, caller.getManagedArrays().size(), "arrays left behind by three passes");
    }
  }

  @Test
  void mapsInEitherOrderGetTheSameRanks() {
    // [2, 3, 6, 5] maps; channel c of image i is a sum of c + 1 + i rank-one terms (ranks 1 to 4)
    NDArray maps = manager.zeros(new ai.djl.ndarray.types.Shape(2, 3, 6, 5));
    for (int i = 0; i < 2; i++) {
      for (int c = 0; c < 3; c++) {
        NDArray map = manager.zeros(new ai.djl.ndarray.types.Shape(6, 5));
        for (int k = 0; k <= c + i; k++) {
          NDArray u = ExecFixtures.input(manager, 10 * i + c + 100 * k, 6, 1);
          NDArray v = ExecFixtures.input(manager, 10 * i + c + 100 * k + 7, 1, 5);
          map = map.add(u.matMul(v));
        }
        maps.set(new ai.djl.ndarray.index.NDIndex(i + "," + c), map);
      }
    }
    long[] nchw = ScriptedOps.matrixRankSums(maps);
    try (NDArray nhwc = ScriptedOps.channelsLast(maps)) {
      assertEquals(java.util.Arrays.toString(new long[] {1 + 2, 2 + 3, 3 + 4}), java.util.Arrays.toString(nchw));
      assertEquals(java.util.Arrays.toString(nchw), java.util.Arrays.toString(ScriptedOps.matrixRankSums(nhwc)));
    }
  }

  private NDArray capture(GraphBlock b, NDArray x, String node) {
    return b.forwardCapture(new ParameterStore(manager, false), new NDList(x), false, Set.of(node)).captured().get(node);
  }

  /** libtorch's is_contiguous() (NCHW order), which DJL does not expose. */
  private static boolean contiguous(NDArray a) throws ReflectiveOperationException {
    Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
    Field instance = lib.getDeclaredField("LIB");
    instance.setAccessible(true);
    Method m = lib.getDeclaredMethod("torchIsContiguous", long.class);
    m.setAccessible(true);
    return (boolean) m.invoke(instance.get(null), ((PtNDArray) a).getHandle());
  }
}
