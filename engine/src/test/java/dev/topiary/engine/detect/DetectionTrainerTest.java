package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real YOLOv5n trained end to end on generated Fashion-MNIST scenes at 64 px: the loss falls and
 * the mAP of the pictures it was shown rises from nothing, which needs the data, target assignment,
 * loss, optimizer, EMA, decoding, NMS and metrics to agree on every coordinate. Not a timed test
 * (about half a minute on two cores).
 */
class DetectionTrainerTest {
  @TempDir static Path dir;
  static DetectionDataset scenes;
  static Model untrained;
  static DetectionTrainer.Outcome trained;

  @BeforeAll
  static void train() throws Exception {
    DetectionScenes.builder().setOut(dir).setTrain(32).optVal(1).setSize(64).optSeed(5).optObjects(1, 2).build().write();
    scenes = YoloDataset.open(dir.resolve("data.yaml"), "train");
    Graph g = Zoo.build(ModelSpec.builder().setArch("yolov5n").optNumClasses(10).optInputShape(3, 64, 64).build());
    DetectHead head = DetectHead.of(g);
    untrained = head.withInitialBiases(Fitter.initialised(g, 7));
    DetectionHyp hyp = DetectionHyp.yolov5().withLr0(0.02).withWarmup(0, 0).withNominalBatch(16);
    trained = DetectionTrainer.builder().setModel(untrained).setAnchors(Anchors.yolov5Default()).setTrainData(loader(false))
        .optValidationData(loader(false)).setEpochs(80).optHyp(hyp).optSeed(3).build().fit();
  }

  private static DetectionLoader loader(boolean augment) {
    return DetectionLoader.builder().setDataset(scenes).setImageSize(64).setBatchSize(16).optAugment(augment).optSeed(1).build();
  }

  private static DetectionMetrics.Result evaluate(Model m) {
    try (NDManager manager = NDManager.newBaseManager()) {
      return DetectionEvaluator.evaluate(BlockWeights.load(m, manager), loader(false), Anchors.yolov5Default(), 10);
    }
  }

  @Test
  void lossFallsAndMapRisesOnThePicturesItWasShown() {
    List<DetectionEpochResult> epochs = trained.epochs();
    assertEquals(80, epochs.size());
    DetectionEpochResult first = epochs.get(0);
    DetectionEpochResult last = epochs.get(epochs.size() - 1);
    assertTrue(last.boxLoss() < 0.7 * first.boxLoss(), "box loss " + first.boxLoss() + " -> " + last.boxLoss());
    assertTrue(last.clsLoss() < first.clsLoss(), "class loss " + first.clsLoss() + " -> " + last.clsLoss());
    assertTrue(evaluate(untrained).map50() < 0.01, "an untrained detector finds nothing");
    assertTrue(last.map50() > 0.05, "mAP@0.5 after 80 epochs: " + last.map50());
    assertTrue(last.map5095() <= last.map50());
  }

  @Test
  void theReturnedModelIsTheValidatedAverage() {
    DetectionMetrics.Result again = evaluate(trained.model());
    DetectionEpochResult last = trained.epochs().get(trained.epochs().size() - 1);
    assertEquals(last.map50(), again.map50(), 1e-9, "the returned weights are the EMA the last epoch validated");
    assertEquals(last.map5095(), again.map(), 1e-9);
  }

  @Test
  void predictsBoxesOnTheOriginalPictures() {
    int found = 0;
    try (BoxPredictor p = new BoxPredictor(trained.model())) {
      List<Detection> all = new ArrayList<>();
      for (int i = 0; i < scenes.size(); i++) {
        List<Detection> boxes = p.predict(scenes.file(i), new NmsSettings(0.05f, 0.45f, 100, false));
        all.addAll(boxes);
        for (GroundTruth t : scenes.objects(i)) {
          if (boxes.stream().anyMatch(d -> d.cls() == t.cls() && BoxOps.iou(d.x1(), d.y1(), d.x2(), d.y2(), t.x1(), t.y1(), t.x2(), t.y2()) >= 0.5f)) {
            found++;
          }
        }
      }
      for (Detection d : all) {
        assertTrue(d.x1() >= 0 && d.y1() >= 0 && d.x2() <= 64 && d.y2() <= 64 && d.conf() >= 0.05f, "box inside the picture: " + d);
      }
    }
    assertTrue(found >= 3, "objects found with the right class at IoU >= 0.5: " + found);
    assertTrue(Files.isRegularFile(scenes.file(0)));
  }
}
