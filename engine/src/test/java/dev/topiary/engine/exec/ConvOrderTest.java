package dev.topiary.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.exec.CpuConvRoutes.Route;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The memory order of CPU convolutions chosen by measurement ({@link ConvOrder#AUTO}): the setting,
 * the timing rule, and a probe that leaves the block as a pass with a fixed order would.
 */
class ConvOrderTest {
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

  @Test
  void theSystemPropertyNamesAutoChannelsLastOrContiguous() {
    assertEquals(ConvOrder.AUTO, ConvOrder.parse(null));
    assertEquals(ConvOrder.AUTO, ConvOrder.parse(" Auto "));
    assertEquals(ConvOrder.CHANNELS_LAST, ConvOrder.parse("true"));
    assertEquals(ConvOrder.CONTIGUOUS, ConvOrder.parse("FALSE"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvOrder.parse("nhwc"));
    assertTrue(e.getMessage().contains("topiary.cpu-channels-last") && e.getMessage().contains("'nhwc'"), e.getMessage());
  }

  @Test
  void contiguousIsChosenOnlyWhenClearlyFaster() {
    assertEquals(ConvOrder.CONTIGUOUS, ConvOrderProbe.choose(10.0, 9.0).order());
    assertEquals(ConvOrder.CHANNELS_LAST, ConvOrderProbe.choose(10.0, 9.6).order(), "a near-tie keeps channels-last");
    assertEquals(ConvOrder.CHANNELS_LAST, ConvOrderProbe.choose(9.0, 10.0).order());
  }

  @Test
  void theMeasurementAlternatesOrdersAndLeavesOutEachFirstPass() {
    List<Route> calls = new ArrayList<>();
    double[] nhwc = {100, 5, 7, 6}; // first passes are slow warm-ups
    double[] nchw = {100, 4, 4, 9};
    int[] seen = new int[2];
    ConvOrderProbe.Timing t = ConvOrderProbe.measure(route -> {
      calls.add(route);
      return route == Route.NHWC ? nhwc[seen[0]++] : nchw[seen[1]++];
    });
    assertEquals(List.of(Route.NHWC, Route.NCHW, Route.NCHW, Route.NHWC, Route.NHWC, Route.NCHW, Route.NCHW, Route.NHWC), calls);
    assertEquals(6.0, t.channelsLastMs());
    assertEquals(4.0, t.contiguousMs());
    assertEquals(ConvOrder.CONTIGUOUS, t.order());
  }

  private GraphBlock block() {
    GraphBlock b = new GraphBlock(ExecFixtures.convBnRelu(16), 7);
    b.initialize(manager);
    ExecFixtures.randomizeBatchNorms(b);
    return b;
  }

  /**
   * The probe's own training passes run on a twin: after one real training step, the block's batch
   * statistics and gradients are those of a block that ran the same step in a fixed order.
   */
  @Test
  void aProbedTrainingStepChangesTheBlockAsOneStepInAFixedOrder() {
    EngineSettings.setCpuConvOrder(ConvOrder.AUTO);
    GraphBlock probed = block();
    ExecFixtures.trainingPass(probed, manager);
    List<GraphBlock.ConvOrderChoice> choices = probed.convOrderChoices();
    assertEquals(1, choices.size());
    GraphBlock.ConvOrderChoice c = choices.get(0);
    assertTrue(c.gradients() && c.training(), c.toString());
    assertEquals(new Shape(16, 8, 8), c.shape(), "a training choice holds for every batch size");
    assertTrue(c.channelsLastMs() > 0 && c.contiguousMs() > 0, c.toString());

    EngineSettings.setCpuConvOrder(c.order());
    GraphBlock fixed = block();
    ExecFixtures.trainingPass(fixed, manager);
    assertTrue(fixed.convOrderChoices().isEmpty(), "a fixed order measures nothing");
    for (ParamRole role : new ParamRole[] {ParamRole.RUNNING_MEAN, ParamRole.RUNNING_VAR}) {
      ParamKey k = new ParamKey("bn", role);
      assertTrue(ExecFixtures.maxAbsDiff(fixed.parameterData(k), probed.parameterData(k)) < 1e-6, role + " moved by more than one step");
    }
    ParamKey w = new ParamKey("conv", ParamRole.WEIGHT);
    float[] gFixed = fixed.parameter(w).getArray().getGradient().toFloatArray();
    float[] gProbed = probed.parameter(w).getArray().getGradient().toFloatArray();
    assertTrue(ExecFixtures.maxAbsDiff(gFixed, gProbed) < 1e-4 * scale(gFixed), "the probe's backward reached the block's gradients");
  }

  @Test
  void inferenceChoosesPerBatchSizeOnce() {
    EngineSettings.setCpuConvOrder(ConvOrder.AUTO);
    GraphBlock b = block();
    for (int i = 0; i < 3; i++) {
      b.infer(ExecFixtures.input(manager, i, 2, 16, 8, 8)).close();
    }
    b.infer(ExecFixtures.input(manager, 9, 1, 16, 8, 8)).close();
    List<GraphBlock.ConvOrderChoice> choices = b.convOrderChoices();
    assertEquals(2, choices.size(), choices.toString());
    assertTrue(choices.stream().noneMatch(GraphBlock.ConvOrderChoice::gradients));
    assertTrue(choices.stream().anyMatch(c -> c.shape().equals(new Shape(2, 16, 8, 8))));
    assertTrue(choices.stream().anyMatch(c -> c.shape().equals(new Shape(1, 16, 8, 8))));
  }

  private static float scale(float[] v) {
    float s = 1e-30f;
    for (float x : v) {
      s = Math.max(s, Math.abs(x));
    }
    return s;
  }
}
