package dev.topiary.engine.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.topiary.engine.InvalidPruningConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {
  private static final EpochData TRAIN = Fixtures.separable(96, 7);
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static TrainingRun.Builder run(Block block, Sgd sgd, int epochs) {
    return TrainingRun.builder().setBlock(block).setOptimizer(sgd).setSchedule(LrSchedule.cosine(0.1, epochs, 0.001)).setEpochs(epochs).setTrainData(TRAIN).optSeed(11);
  }

  private static Sgd momentumSgd() {
    return Sgd.builder().optMomentum(0.9).optWeightDecay(5e-4).build();
  }

  @Test
  void learnsALinearlySeparableProblem() {
    Block net = Fixtures.tinyNet(manager, 1);
    try (Sgd sgd = momentumSgd()) {
      List<EpochResult> results = run(net, sgd, 6).optValidationData(Fixtures.separable(60, 99)).build().fit();
      assertEquals(6, results.size());
      EpochResult first = results.get(0);
      EpochResult last = results.get(5);
      assertTrue(last.trainLoss() < first.trainLoss() * 0.5, results.toString());
      assertTrue(last.trainAccuracy() > 0.9, results.toString());
      assertTrue(last.valAccuracy() > 0.9, results.toString());
      assertTrue(last.validated() && last.imagesPerSecond() > 0 && last.wallSeconds() > 0);
      assertEquals(0.1, first.lr(), 1e-12);
      Evaluation eval = Evaluator.evaluate(net, Fixtures.separable(60, 99), 5);
      assertEquals(last.valLoss(), eval.loss(), 1e-6, "validation is the evaluator's inference-mode figure");
      assertTrue(Double.isNaN(eval.top5()), "3 classes: no top-5");
    }
  }

  @Test
  void reportsEveryStepWithTheImagesSoFarInItsEpoch() {
    Block net = Fixtures.tinyNet(manager, 1);
    List<long[]> steps = new ArrayList<>();
    try (Sgd sgd = momentumSgd()) {
      run(net, sgd, 2).optProgress((epoch, epochs, images, perEpoch) -> steps.add(new long[] {epoch, epochs, images, perEpoch}), 96)
          .build().fit();
    }
    int perEpoch = 96 / Fixtures.BATCH;
    assertEquals(2 * perEpoch, steps.size(), "one call per step");
    for (int i = 0; i < steps.size(); i++) {
      long[] s = steps.get(i);
      assertArrayEquals(new long[] {i / perEpoch, 2, (long) Fixtures.BATCH * (i % perEpoch + 1), 96}, s, "step " + i);
    }
  }

  @Test
  void maskedWeightsStayExactlyZeroUnderMomentumAndWeightDecay() {
    Block net = Fixtures.tinyNet(manager, 2);
    String conv = Fixtures.name(net, "Conv2d_weight");
    String gamma = Fixtures.name(net, "BatchNorm_gamma");
    NDArray convMask = manager.ones(net.getParameters().get(conv).getArray().getShape());
    convMask.set(new ai.djl.ndarray.index.NDIndex("1:3"), 0f); // filters 1 and 2
    NDArray gammaMask = manager.create(new float[] {1, 0, 0, 1});
    Map<String, float[]> before = Fixtures.snapshot(net);
    try (Sgd sgd = Sgd.builder().optMomentum(0.9).optNesterov(true).optWeightDecay(0.01).build()) {
      run(net, sgd, 3).optMasks(Map.of(conv, convMask, gamma, gammaMask)).build().fit();
    }
    Map<String, float[]> after = Fixtures.snapshot(net);
    int perFilter = after.get(conv).length / 4;
    for (int i = 0; i < after.get(conv).length; i++) {
      int filter = i / perFilter;
      if (filter == 1 || filter == 2) {
        assertTrue(after.get(conv)[i] == 0.0f, "masked conv weight " + i + " = " + after.get(conv)[i]);
      } else {
        assertNotEquals(before.get(conv)[i], after.get(conv)[i], "unmasked conv weight " + i + " must train");
      }
    }
    float[] g = after.get(gamma);
    assertTrue(g[1] == 0.0f && g[2] == 0.0f, "masked gammas " + g[1] + ", " + g[2]);
    assertTrue(g[0] != 1f && g[3] != 1f, "unmasked gammas must train");
  }

  @Test
  void rejectsMaskOfWrongShapeNamingParameterAndShapes() {
    Block net = Fixtures.tinyNet(manager, 3);
    String conv = Fixtures.name(net, "Conv2d_weight");
    try (Sgd sgd = momentumSgd()) {
      TrainingRun r = run(net, sgd, 1).optMasks(Map.of(conv, manager.ones(new ai.djl.ndarray.types.Shape(4, 3, 3)))).build();
      InvalidPruningConfigException e = assertThrows(InvalidPruningConfigException.class, r::fit);
      assertTrue(e.getMessage().contains("'" + conv + "'") && e.getMessage().contains("(4, 3, 3)") && e.getMessage().contains("(4, 3, 3, 3)"), e.getMessage());
    }
  }

  @Test
  void rejectsMaskForUnknownParameter() {
    Block net = Fixtures.tinyNet(manager, 3);
    try (Sgd sgd = momentumSgd()) {
      TrainingRun r = run(net, sgd, 1).optMasks(Map.of("conv9.weight", manager.ones(new ai.djl.ndarray.types.Shape(1)))).build();
      InvalidPruningConfigException e = assertThrows(InvalidPruningConfigException.class, r::fit);
      assertTrue(e.getMessage().contains("'conv9.weight'"), e.getMessage());
    }
  }

  @Test
  void rejectsMaskThatIsNotZeroOne() {
    Block net = Fixtures.tinyNet(manager, 3);
    String gamma = Fixtures.name(net, "BatchNorm_gamma");
    try (Sgd sgd = momentumSgd()) {
      TrainingRun r = run(net, sgd, 1).optMasks(Map.of(gamma, manager.create(new float[] {1, 0.5f, 0, 1}))).build();
      InvalidPruningConfigException e = assertThrows(InvalidPruningConfigException.class, r::fit);
      assertTrue(e.getMessage().contains(gamma), e.getMessage());
    }
  }

  /** After each step every stored gradient is zero (the batched SGD step zeroes them with torch's _foreach_zero_). */
  @Test
  void everyStepLeavesTheStoredGradientsAtZero() {
    Block net = Fixtures.tinyNet(manager, 3);
    try (Sgd sgd = momentumSgd()) {
      run(net, sgd, 1).build().fit(); // several steps: the later ones take the batched path
      assertFalse(sgd.momentumBuffers().isEmpty());
      for (var p : net.getParameters()) {
        if (!p.getValue().requiresGradient()) {
          continue; // BN running statistics
        }
        try (NDArray g = TorchSupport.gradientOrNull(p.getValue().getArray())) {
          assertNotNull(g, p.getKey() + " took part in backward");
          assertEquals(0f, g.abs().sum().getFloat(), p.getKey());
        }
      }
    }
  }

  @Test
  void sameSeedGivesBitIdenticalParameters() {
    Map<String, float[]> a = trainTwoEpochs(NDManager.newBaseManager(), 5);
    Map<String, float[]> b = trainTwoEpochs(NDManager.newBaseManager(), 5);
    assertEquals(a.keySet(), b.keySet());
    a.forEach((name, values) -> assertArrayEquals(values, b.get(name), name));
    Map<String, float[]> c = trainTwoEpochs(NDManager.newBaseManager(), 6);
    assertFalse(java.util.Arrays.equals(a.values().iterator().next(), c.values().iterator().next()), "a different seed must differ");
  }

  private static Map<String, float[]> trainTwoEpochs(NDManager m, int seed) {
    try (m; Sgd sgd = momentumSgd()) {
      Block net = Fixtures.tinyNet(m, seed);
      run(net, sgd, 2).optSeed(seed).build().fit();
      return Fixtures.snapshot(net);
    }
  }

  @Test
  void resumingFromACheckpointEqualsAnUninterruptedRun(@TempDir Path dir) {
    Map<String, float[]> uninterrupted;
    try (NDManager m = NDManager.newBaseManager(); Sgd sgd = momentumSgd()) {
      Block net = Fixtures.tinyNet(m, 4);
      run(net, sgd, 3).build().fit();
      uninterrupted = Fixtures.snapshot(net);
    }
    Path checkpoints = dir.resolve("ckpt");
    try (NDManager m = NDManager.newBaseManager(); Sgd sgd = momentumSgd()) {
      Block net = Fixtures.tinyNet(m, 4);
      TrainingRun crashing = run(net, sgd, 3).optCheckpointDir(checkpoints).optCallback(r -> {
        throw new SimulatedCrash();
      }).build();
      assertThrows(SimulatedCrash.class, crashing::fit);
    }
    assertTrue(Files.exists(TrainingCheckpoint.fileIn(checkpoints)));
    try (NDManager m = NDManager.newBaseManager(); Sgd sgd = momentumSgd()) {
      Block net = Fixtures.tinyNet(m, 99); // different initial weights: the checkpoint replaces them
      List<EpochResult> resumed = run(net, sgd, 3).optCheckpointDir(checkpoints).build().fit();
      assertEquals(List.of(1, 2), resumed.stream().map(EpochResult::epoch).toList());
      Map<String, float[]> after = Fixtures.snapshot(net);
      assertEquals(uninterrupted.keySet(), after.keySet());
      uninterrupted.forEach((name, values) -> assertArrayEquals(values, after.get(name), name));
    }
  }

  private static final class SimulatedCrash extends RuntimeException {}

  @Test
  void keepsTheNumberOfLiveArraysFlatAcrossEpochs() {
    Block net = Fixtures.tinyNet(manager, 8);
    List<Integer> live = new ArrayList<>();
    try (Sgd sgd = momentumSgd()) {
      run(net, sgd, 4).optValidationData(Fixtures.separable(30, 3)).optGradientHook(BnSparsityHook.constant(1e-4))
          .optCallback(r -> live.add(manager.getManagedArrays().size())).build().fit();
    }
    assertEquals(4, live.size());
    assertEquals(List.of(live.get(0), live.get(0), live.get(0), live.get(0)), live, "live arrays after each epoch");
  }
}
