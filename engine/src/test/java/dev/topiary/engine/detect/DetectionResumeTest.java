package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidWeightsException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.BnSparsityHook;
import dev.topiary.engine.train.TrainingCheckpoint;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detector's training interrupted after an epoch and resumed from its checkpoint ends with the
 * same weights, bit for bit, as one trained without a stop. The run exercises every piece of state
 * a checkpoint must carry: a warm-up spanning the stop (its iteration counter), gradient
 * accumulation (the last step's iteration), momentum, the EMA and its update count, augmentation
 * and the sparsity hook's decay by epoch.
 */
class DetectionResumeTest {
  private static final int EPOCHS = 3;
  @TempDir static Path dir;
  static DetectionDataset scenes;
  static Model untrained;

  @BeforeAll
  static void scenes() throws Exception {
    DetectionScenes.builder().setOut(dir.resolve("scenes")).setTrain(20).optVal(1).setSize(64).optSeed(11).optObjects(1, 2).build().write();
    scenes = YoloDataset.open(dir.resolve("scenes/data.yaml"), "train");
    Graph g = Zoo.build(ModelSpec.builder().setArch("yolov5n").optNumClasses(10).optInputShape(3, 64, 64).build());
    untrained = DetectHead.of(g).withInitialBiases(Fitter.initialised(g, 4));
  }

  private static DetectionTrainer.Builder trainer(Path checkpoints, long seed) {
    DetectionLoader train = DetectionLoader.builder().setDataset(scenes).setImageSize(64).setBatchSize(4).optAugment(true).optSeed(2).build();
    // 5 batches an epoch, a warm-up of 7 iterations (past the first epoch), 4 batches per step once warm
    DetectionHyp hyp = DetectionHyp.yolov5().withWarmup(1, 7).withNominalBatch(16);
    return DetectionTrainer.builder().setModel(untrained).setAnchors(Anchors.yolov5Default()).setTrainData(train).setEpochs(EPOCHS)
        .optHyp(hyp).optSeed(seed).optGradientHook(BnSparsityHook.decaying(1e-3)).optCheckpointDir(checkpoints);
  }

  @Test
  void aResumedRunEndsBitIdenticalToAnUninterruptedOne() {
    DetectionTrainer.Outcome straight = trainer(dir.resolve("straight"), 9).build().fit();
    assertEquals(EPOCHS, straight.epochs().size());

    Path checkpoints = dir.resolve("stopped");
    RuntimeException crash = new IllegalStateException("the process dies after epoch 1");
    DetectionTrainer.Builder first = trainer(checkpoints, 9).optCallback(r -> {
      throw crash;
    });
    assertSame(crash, assertThrows(IllegalStateException.class, () -> first.build().fit()));
    assertTrue(Files.isRegularFile(TrainingCheckpoint.fileIn(checkpoints)), "the checkpoint is written before the callback runs");

    DetectionTrainer.Outcome resumed = trainer(checkpoints, 9).build().fit();
    assertEquals(List.of(1, 2), resumed.epochs().stream().map(DetectionEpochResult::epoch).toList(), "only the remaining epochs train");
    for (int e = 1; e < EPOCHS; e++) {
      assertEquals(straight.epochs().get(e).boxLoss(), resumed.epochs().get(e - 1).boxLoss(), 0.0, "epoch " + (e + 1) + "'s box loss");
    }
    for (ParamKey k : straight.model().weights().keys()) {
      assertArrayEquals(straight.model().weights().get(k).data(), resumed.model().weights().get(k).data(), 0f, k + ": the EMA's weights");
    }
  }

  @Test
  void aCheckpointOfAnotherRunIsRefusedNamingWhy() throws Exception {
    Path checkpoints = dir.resolve("other-seed");
    assertThrows(IllegalStateException.class, () -> trainer(checkpoints, 1).optCallback(r -> {
      throw new IllegalStateException("stop");
    }).build().fit());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer(checkpoints, 2).build().fit());
    assertTrue(e.getMessage().startsWith("seed: checkpoint " + TrainingCheckpoint.fileIn(checkpoints)), e.getMessage());

    Files.write(TrainingCheckpoint.fileIn(checkpoints), new byte[] {1, 2, 3});
    InvalidWeightsException bad = assertThrows(InvalidWeightsException.class, () -> trainer(checkpoints, 1).build().fit());
    assertTrue(bad.getMessage().contains(TrainingCheckpoint.fileIn(checkpoints).toString()), bad.getMessage());
  }
}
