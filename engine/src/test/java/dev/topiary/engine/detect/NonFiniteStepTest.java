package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.GradientHook;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step whose gradients have no finite norm is skipped, not taken: one bad step no longer turns
 * every weight into NaN (seen on yolov5n after 17 to 21 epochs on the development VM); a run whose
 * every step is bad ends with an error saying it diverged.
 */
class NonFiniteStepTest {
  @TempDir static Path dir;
  static DetectionDataset scenes;
  static Model untrained;

  @BeforeAll
  static void scenes() throws Exception {
    DetectionScenes.builder().setOut(dir).setTrain(12).optVal(1).setSize(64).optSeed(2).optObjects(1, 2).build().write();
    scenes = YoloDataset.open(dir.resolve("data.yaml"), "train");
    Graph g = Zoo.build(ModelSpec.builder().setArch("yolov5n").optNumClasses(10).optInputShape(3, 64, 64).build());
    untrained = DetectHead.of(g).withInitialBiases(Fitter.initialised(g, 4));
  }

  private static DetectionTrainer.Outcome train(GradientHook hook, int epochs) {
    DetectionLoader train = DetectionLoader.builder().setDataset(scenes).setImageSize(64).setBatchSize(4).build();
    return DetectionTrainer.builder().setModel(untrained).setAnchors(Anchors.yolov5Default()).setTrainData(train).setEpochs(epochs)
        .optHyp(DetectionHyp.yolov5().withWarmup(0, 0).withNominalBatch(4)).optSeed(1).optGradientHook(hook).build().fit();
  }

  /** Puts an infinity into one gradient at the optimizer steps {@code bad} says. */
  private static GradientHook poison(java.util.function.IntPredicate bad) {
    AtomicInteger step = new AtomicInteger(-1);
    return (name, p, g, epoch, epochs) -> {
      if (name.equals("model.0.bn.beta")) {
        step.incrementAndGet(); // the first parameter of each step's first group
      }
      if (bad.test(step.get()) && name.equals("model.24.m.0.weight")) {
        g.set(new float[(int) g.size()]);
        g.addi(Float.POSITIVE_INFINITY);
      }
    };
  }

  @Test
  void aStepWithAnInfiniteGradientIsSkippedAndTheWeightsStayFinite() {
    DetectionTrainer.Outcome clean = train(poison(s -> false), 1);
    DetectionTrainer.Outcome once = train(poison(s -> s == 1), 1);
    assertEquals(0, clean.epochs().get(0).skippedSteps());
    assertEquals(1, once.epochs().get(0).skippedSteps(), "three steps, the second skipped");
    for (ParamKey k : once.model().weights().keys()) {
      for (float v : once.model().weights().get(k).data()) {
        assertTrue(Float.isFinite(v), k + " holds " + v);
      }
    }
    assertTrue(Double.isFinite(once.epochs().get(0).boxLoss()));
  }

  @Test
  void aRunWhoseEveryStepIsBadSaysItDiverged() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> train(poison(s -> true), 2));
    assertTrue(e.getMessage().startsWith("training diverged: every optimizer step of epoch 1 (3) had gradients of no finite norm"),
        e.getMessage());
  }
}
