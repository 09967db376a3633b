package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** YOLOv5's schedule arithmetic, the weights' moving average and the detector's metadata. */
class DetectionHypTest {
  @Test
  void linearAndCosineFactorsMatchYolov5sLambdas() {
    DetectionHyp h = DetectionHyp.yolov5();
    assertEquals(1.0, h.factor(0, 10), 1e-12);
    assertEquals((1 - 0.5) * 0.99 + 0.01, h.factor(5, 10), 1e-12); // lf = (1 - x / epochs) * (1 - lrf) + lrf
    assertEquals(0.01 + 0.99 / 10, h.factor(9, 10), 1e-12);
    DetectionHyp c = h.withCosine(true);
    assertEquals(1.0, c.factor(0, 10), 1e-12);
    assertEquals(((1 - Math.cos(Math.PI / 2)) / 2) * (0.01 - 1) + 1, c.factor(5, 10), 1e-12); // one_cycle(1, lrf, epochs)
  }

  @Test
  void accumulatesToTheNominalBatchAndScalesWeightDecayAsTrainPy() {
    DetectionHyp h = DetectionHyp.yolov5();
    assertEquals(4, h.accumulate(16));
    assertEquals(1, h.accumulate(64));
    assertEquals(1, h.accumulate(128));
    assertEquals(5e-4, h.scaledWeightDecay(16), 1e-12); // 16 * 4 / 64
    assertEquals(5e-4 * 2, h.scaledWeightDecay(128), 1e-12);
    assertEquals(100, h.warmupIterations(10), "at least 100 iterations");
    assertEquals(300, h.warmupIterations(100));
    assertEquals(0, h.withWarmup(0, 100).warmupIterations(100));
  }

  @Test
  void emaFollowsYolov5sDecayRamp() {
    Graph g = Zoo.build(ModelSpec.builder().setArch("lenet5").build());
    Model m = Fitter.initialised(g, 1);
    try (NDManager manager = NDManager.newBaseManager()) {
      GraphBlock block = BlockWeights.load(m, manager);
      ParamKey k = new ParamKey("conv1", ParamRole.BIAS);
      float[] w0 = block.parameterData(k);
      try (WeightsEma ema = WeightsEma.yolov5(block, manager)) {
        float[] w1 = w0.clone();
        for (int i = 0; i < w1.length; i++) {
          w1[i] += 1f;
        }
        block.setParameter(k, w1);
        double d = 0.9999 * (1 - Math.exp(-1 / 2000.0));
        assertEquals(d, ema.nextDecay(), 1e-12);
        ema.update(block);
        float[] avg = ema.toModel(block, List.of()).weights().get(k).data();
        for (int i = 0; i < avg.length; i++) {
          assertEquals(d * w0[i] + (1 - d) * w1[i], avg[i], 1e-6);
        }
        GraphBlock other = BlockWeights.load(m, manager);
        ema.copyInto(other);
        assertArrayEquals(avg, other.parameterData(k));
      }
    }
  }

  @Test
  void detectorInfoRoundTripsThroughMetadataAndRefusesBadValues() {
    Graph g = Zoo.build(ModelSpec.builder().setArch("yolov5n").optNumClasses(2).optInputShape(3, 64, 64).build());
    Model m = new Model(g, Fitter.initialised(g, 0).weights());
    Anchors fitted = new Anchors(new int[] {8, 16, 32}, new float[][] {{4, 5, 6, 7, 8, 9}, {10, 11, 12, 13, 14, 15.5f}, {20, 21, 22, 23, 24, 25}});
    Model withInfo = new DetectorInfo(fitted, List.of("cat, striped", "dog")).applyTo(m);
    DetectorInfo back = DetectorInfo.of(withInfo.graph(), 2);
    assertEquals(fitted, back.anchors());
    assertEquals(List.of("cat, striped", "dog"), back.classNames());
    assertEquals(List.of("0", "1"), DetectorInfo.of(g, 2).classNames());
    assertEquals(Anchors.yolov5Default(), DetectorInfo.of(g, 2).anchors());
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> DetectorInfo.of(g.withMetadata(Map.of(DetectorInfo.ANCHORS, "10,13;x")), 2));
    assertTrue(e.getMessage().contains(DetectorInfo.ANCHORS) && e.getMessage().contains("10,13;x"), e.getMessage());
    e = assertThrows(InvalidModelException.class, () -> DetectorInfo.of(withInfo.graph(), 3));
    assertTrue(e.getMessage().contains("2 names") && e.getMessage().contains("3 classes"), e.getMessage());
  }
}
