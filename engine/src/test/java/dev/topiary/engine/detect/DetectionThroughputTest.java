package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.TorchSupport;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.workflow.ThroughputBench;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The detector's training-step benchmark on a YOLOv5n at 64 px, and the step it times. */
class DetectionThroughputTest {
  private static final Graph GRAPH = Zoo.build(ModelSpec.builder().setArch("yolov5n").optNumClasses(3).optInputShape(3, 64, 64).build());

  private static Model model() {
    return DetectHead.of(GRAPH).withInitialBiases(Fitter.initialised(GRAPH, 1));
  }

  @Test
  void syntheticTargetsAreBoxesInsideEachPictureAndRepeatWithTheSeed() {
    float[] t = DetectionThroughput.syntheticTargets(3, 2, 5, 7);
    assertEquals(3 * 2 * 6, t.length);
    for (int r = 0; r < 6; r++) {
      assertEquals(r / 2, t[r * 6], "rows go picture by picture");
      assertTrue(t[r * 6 + 1] >= 0 && t[r * 6 + 1] < 5 && t[r * 6 + 1] == Math.rint(t[r * 6 + 1]));
      float w = t[r * 6 + 4];
      float h = t[r * 6 + 5];
      assertTrue(w >= 0.05f && w < 0.4f && h >= 0.05f && h < 0.4f, "size " + w + " x " + h);
      assertTrue(t[r * 6 + 2] - w / 2 >= 0 && t[r * 6 + 2] + w / 2 <= 1, "x inside");
      assertTrue(t[r * 6 + 3] - h / 2 >= 0 && t[r * 6 + 3] + h / 2 <= 1, "y inside");
    }
    assertArrayEquals(t, DetectionThroughput.syntheticTargets(3, 2, 5, 7));
    assertFalse(java.util.Arrays.equals(t, DetectionThroughput.syntheticTargets(3, 2, 5, 8)));
  }

  @Test
  void timesWholeAccumulationCyclesWithOneOptimizerStepEach() {
    // batch 2, nominal batch 4: a step every 2 iterations; 3 timed iterations round up to 4, so 2 steps
    float[] targets = DetectionThroughput.syntheticTargets(2, 3, 3, 0);
    DetectionThroughput.Result r = DetectionThroughput.run(model(), Anchors.yolov5Default(), 2, targets,
        DetectionHyp.yolov5().withNominalBatch(4), true, new ThroughputBench.Protocol(1, 0, 3, 0), 0);
    assertEquals(2, r.accumulate());
    assertEquals(4, r.iterations());
    assertEquals(2, r.optimizerSteps());
    assertEquals(6, r.targets());
    assertEquals(64, r.imageSize());
    assertTrue(r.imagesPerSecond() > 0 && Double.isFinite(r.imagesPerSecond()));
    assertTrue(r.meanLoss()[0] > 0 && r.meanLoss()[1] > 0 && r.meanLoss()[2] > 0, "box, obj and cls losses with three classes");
  }

  @Test
  void rejectsATargetOutsideTheBatchNamingTheRow() {
    float[] targets = {0, 0, 0.5f, 0.5f, 0.1f, 0.1f, 2, 0, 0.5f, 0.5f, 0.1f, 0.1f};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DetectionThroughput.run(model(), Anchors.yolov5Default(), 2,
        targets, DetectionHyp.yolov5(), false, new ThroughputBench.Protocol(1, 0, 1, 0), 0));
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
  }

  @Test
  void anOptimizerStepMovesTheWeightsZeroesTheGradientsAndUpdatesTheAverage() {
    TorchSupport.disableAutogradOnThisThread();
    float[] pictures = new float[2 * 3 * 64 * 64];
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < pictures.length; i++) {
      pictures[i] = random.nextFloat(); // not zeros: the first conv's gradient is the input times the output's
    }
    DetectionBatch batch = new DetectionBatch(2, 64, pictures, DetectionThroughput.syntheticTargets(2, 2, 3, 1),
        List.of(), List.of(), List.of());
    try (NDManager manager = NDManager.newBaseManager()) {
      GraphBlock block = BlockWeights.load(model(), manager);
      ParamKey conv = new ParamKey("model.0.conv", ParamRole.WEIGHT);
      float[] before = block.parameterData(conv);
      try (DetectionStep step = new DetectionStep(block, manager, Anchors.yolov5Default(), DetectionHyp.yolov5(), 2, true, List.of())) {
        assertEquals(0.9999 * (1 - Math.exp(-1 / 2000.0)), step.average().nextDecay(), 1e-15);
        try (NDManager scratch = manager.newSubManager()) {
          float[] parts = step.forwardBackward(batch, scratch);
          assertEquals(3, parts.length);
          NDArray grad = TorchSupport.gradientOrNull(block.parameterArrays().get(conv));
          assertNotNull(grad);
          assertTrue(grad.abs().sum().getFloat() > 0, "backward left a gradient");
          assertArrayEquals(before, block.parameterData(conv), "no step before the caller asks");
          step.optimizerStep(0.1, 0.01, 0.937, 0, 1, scratch);
          assertEquals(0f, TorchSupport.gradientOrNull(block.parameterArrays().get(conv)).abs().sum().getFloat(), "gradients zeroed");
        }
        float[] after = block.parameterData(conv);
        assertFalse(java.util.Arrays.equals(before, after), "the step moved the first conv's weights");
        assertEquals(0.9999 * (1 - Math.exp(-2 / 2000.0)), step.average().nextDecay(), 1e-15, "one EMA update done");
      }
    }
  }
}
