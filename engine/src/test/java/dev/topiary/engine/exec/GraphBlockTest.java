package dev.topiary.engine.exec;

import static dev.topiary.engine.exec.ExecFixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.InvalidWeightsException;
import dev.topiary.engine.graph.Add;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Dropout;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.Identity;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Relu;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GraphBlockTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    GradMode.set(false);
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private GraphBlock block(Graph g, long seed) {
    GraphBlock b = new GraphBlock(g, seed);
    b.initialize(manager);
    return b;
  }

  @Test
  void namesOneDjlParameterPerParamKeyWithItsType() {
    GraphBlock b = new GraphBlock(ExecFixtures.coverage());
    Map<ParamKey, int[]> shapes = b.graph().paramShapes();
    assertEquals(shapes.size(), b.getParameters().size());
    Parameter mean = b.getParameters().get("bn1.running_mean");
    assertEquals(Parameter.Type.RUNNING_MEAN, mean.getType());
    assertFalse(mean.requiresGradient());
    Parameter w = b.getParameters().get("conv1.weight");
    assertEquals(Parameter.Type.WEIGHT, w.getType());
    assertTrue(w.requiresGradient());
    assertEquals(new Shape(8, 3, 3, 3), w.getShape());
    assertEquals(Parameter.Type.GAMMA, b.getParameters().get("bn3.gamma").getType());
    assertNull(b.getParameters().get("conv1.bias"));
    assertEquals(Parameter.Type.BIAS, b.getParameters().get("fc.bias").getType());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.topiary.engine.exec.ExecFixtures#everyOpType")
  void gradientsReachEveryLearnableParameterButNoBuffer(String label, Graph g) {
    GraphBlock b = block(g, 5);
    ExecFixtures.randomizeConstants(b);
    ExecFixtures.trainingPass(b, manager);
    for (Map.Entry<ParamKey, NDArray> e : b.parameterArrays().entrySet()) {
      NDArray p = e.getValue();
      if (e.getKey().role().learnable()) {
        assertTrue(p.hasGradient(), e.getKey() + " has no gradient");
        float norm = p.getGradient().abs().sum().getFloat();
        assertTrue(norm > 1e-6f, e.getKey() + " gradient is zero");
      } else {
        assertFalse(p.hasGradient(), e.getKey() + " must not get a gradient");
      }
    }
  }

  @Test
  void captureEqualsTheGraphTruncatedAtThatNode() {
    Graph g = ExecFixtures.coverage();
    GraphBlock full = block(g, 8);
    ExecFixtures.randomizeBatchNorms(full);
    NDArray x = ExecFixtures.input(manager, 5, 2, 3, 9, 9);
    List<String> taps = List.of("relu1", "clip", "silu", "cat", "hs", "zp", "flat");
    CapturedForward run = full.forwardCapture(new ParameterStore(manager, false), new NDList(x), false, Set.copyOf(taps));
    assertArrayEquals(full.infer(x).toFloatArray(), run.outputs().head().toFloatArray());
    for (String tap : taps) {
      GraphBlock truncated = block(truncate(g, tap), 99);
      for (ParamKey k : truncated.graph().paramShapes().keySet()) {
        truncated.setParameter(k, full.parameterData(k));
      }
      NDArray expected = truncated.infer(x);
      assertEquals(expected.getShape(), run.get(tap).getShape(), tap);
      assertArrayEquals(expected.toFloatArray(), run.get(tap).toFloatArray(), tap);
    }
  }

  private static Graph truncate(Graph g, String last) {
    List<Node> nodes = g.nodes();
    int end = nodes.indexOf(g.node(last));
    return Graph.of(g.name() + "-to-" + last, g.inputs(), nodes.subList(0, end + 1), List.of(last));
  }

  @Test
  void captureRejectsUnknownNodeByName() {
    GraphBlock b = block(ExecFixtures.coverage(), 1);
    NDArray x = ExecFixtures.input(manager, 5, 1, 3, 9, 9);
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> b.forwardCapture(new ParameterStore(manager, false), new NDList(x), false, Set.of("relu1", "conv9")));
    assertTrue(e.getMessage().contains("'conv9'"), e.getMessage());
  }

  @Test
  void sameSeedGivesIdenticalParametersAndAnotherSeedDifferent() {
    Graph g = ExecFixtures.coverage();
    GraphBlock a = block(g, 42);
    GraphBlock b = block(g, 42);
    GraphBlock c = block(g, 43);
    for (ParamKey k : g.paramShapes().keySet()) {
      assertArrayEquals(a.parameterData(k), b.parameterData(k), k.toString());
    }
    ParamKey w = new ParamKey("conv1", ParamRole.WEIGHT);
    assertFalse(java.util.Arrays.equals(a.parameterData(w), c.parameterData(w)));
    assertArrayEquals(a.parameterData(new ParamKey("bn1", ParamRole.GAMMA)), c.parameterData(new ParamKey("bn1", ParamRole.GAMMA)));
  }

  @Test
  void initialisesLikePytorchDefaults() {
    GraphBlock b = block(ExecFixtures.coverage(), 7);
    assertWithinBound(b.parameterData(new ParamKey("conv1", ParamRole.WEIGHT)), 1 / Math.sqrt(3 * 9));
    assertWithinBound(b.parameterData(new ParamKey("dw", ParamRole.WEIGHT)), 1 / Math.sqrt(9)); // depthwise: fan_in 1*3*3
    assertWithinBound(b.parameterData(new ParamKey("fc", ParamRole.WEIGHT)), 1 / Math.sqrt(12));
    assertWithinBound(b.parameterData(new ParamKey("fc", ParamRole.BIAS)), 1 / Math.sqrt(12));
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, b.parameterData(new ParamKey("bn2", ParamRole.GAMMA)));
    assertArrayEquals(new float[8], b.parameterData(new ParamKey("bn2", ParamRole.BETA)));
    assertArrayEquals(new float[8], b.parameterData(new ParamKey("bn2", ParamRole.RUNNING_MEAN)));
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, b.parameterData(new ParamKey("bn2", ParamRole.RUNNING_VAR)));
  }

  private static void assertWithinBound(float[] v, double bound) {
    double max = 0;
    for (float f : v) {
      max = Math.max(max, Math.abs(f));
    }
    assertTrue(max <= bound, "max " + max + " exceeds " + bound);
    assertTrue(max > 0.5 * bound, "max " + max + " is far below " + bound + ": not U(-b, b)");
  }

  @Test
  void setParameterRejectsWrongLengthNamingTheParameterAndShapes() {
    GraphBlock b = block(ExecFixtures.coverage(), 1);
    ParamKey k = new ParamKey("conv1", ParamRole.WEIGHT);
    InvalidWeightsException e = assertThrows(InvalidWeightsException.class, () -> b.setParameter(k, new float[215]));
    assertTrue(e.getMessage().contains("conv1.weight") && e.getMessage().contains("(8, 3, 3, 3)")
        && e.getMessage().contains("215"), e.getMessage());
    e = assertThrows(InvalidWeightsException.class, () -> b.setParameter(k, new int[] {8, 27}, new float[216]));
    assertTrue(e.getMessage().contains("conv1.weight") && e.getMessage().contains("(8, 3, 3, 3)")
        && e.getMessage().contains("(8, 27)"), e.getMessage());
    e = assertThrows(InvalidWeightsException.class, () -> b.setParameter(new ParamKey("conv9", ParamRole.WEIGHT), new float[1]));
    assertTrue(e.getMessage().contains("conv9.weight"), e.getMessage());
  }

  @Test
  void setParameterWritesInPlaceAndKeepsTrainability() {
    GraphBlock b = block(ExecFixtures.coverage(), 1);
    ParamKey k = new ParamKey("fc", ParamRole.WEIGHT);
    NDArray before = b.parameterArrays().get(k);
    float[] data = ExecFixtures.uniform(72, -1, 1, 9);
    b.setParameter(k, new int[] {6, 12}, data);
    assertSame(before, b.parameterArrays().get(k));
    assertArrayEquals(data, b.parameterData(k));
    assertTrue(before.hasGradient());
  }

  @Test
  void inferenceFreesIntermediatesWithoutClosingAliasedArrays() {
    GraphBuilder gb = Graph.builder("alias");
    gb.input("x", 2, 4, 4);
    gb.add("c", Conv.of(3, 3, 1, 1), "x");
    gb.add("id", new Identity(), "c");
    gb.add("drop", new Dropout(0.3), "id");
    gb.add("r", new Relu(), "c");
    gb.add("sum", new Add(), "drop", "r", "drop");
    gb.add("pass", new Identity(), "x");
    gb.add("bn", BatchNormalization.standard(), "sum");
    Graph g = gb.output("bn").output("id").output("pass").build();
    GraphBlock b = block(g, 2);
    NDArray x = ExecFixtures.input(manager, 6, 2, 2, 4, 4);
    NDList kept;
    try (GradMode.Scope s = GradMode.enabled()) {
      kept = b.forward(new ParameterStore(manager, false), new NDList(x), false);
    }
    NDList freed = b.infer(new NDList(x));
    for (int i = 0; i < 3; i++) {
      // within float32 rounding: with autograd on, the conv may run another route (CpuConvRoutes);
      // an array closed too early would give other values altogether
      assertArrayEquals(kept.get(i).toFloatArray(), freed.get(i).toFloatArray(), 1e-6f, g.outputs().get(i));
    }
    assertArrayEquals(x.toFloatArray(), freed.get(2).toFloatArray()); // the caller's input is never closed
    assertEquals(new Shape(2, 2, 4, 4), x.getShape());
  }

  @Test
  void rejectsInputOfWrongShapeNamingTheInput() {
    GraphBlock b = block(ExecFixtures.coverage(), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.infer(ExecFixtures.input(manager, 1, 2, 3, 8, 8)));
    assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("(2, 3, 9, 9)"), e.getMessage());
  }

  @Test
  void batchNormTrainingUpdatesRunningStatsWithPytorchMomentum() {
    GraphBuilder gb = Graph.builder("bn");
    gb.input("x", 2);
    gb.add("bn", new BatchNormalization(1e-5, 0.25), "x");
    GraphBlock b = block(gb.output("bn").build(), 0);
    // feature 0: {1, 2, 6}: mean 3, unbiased var 7; feature 1: {0, 0, 3}: mean 1, var 3
    NDArray x = manager.create(new float[] {1, 0, 2, 0, 6, 3}, new Shape(3, 2));
    float[] y = b.forward(new ParameterStore(manager, false), new NDList(x), true).head().toFloatArray();
    assertArrayEquals(new float[] {0.75f, 0.25f}, b.parameterData(new ParamKey("bn", ParamRole.RUNNING_MEAN)), 1e-6f);
    assertArrayEquals(new float[] {0.75f + 0.25f * 7, 0.75f + 0.25f * 3}, b.parameterData(new ParamKey("bn", ParamRole.RUNNING_VAR)), 1e-6f);
    // normalised with the biased batch variance: (1 - 3) / sqrt(14/3 + eps)
    assertEquals(-2 / Math.sqrt(14.0 / 3 + 1e-5), y[0], 1e-5);
  }
}
