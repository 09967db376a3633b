package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CLI's detection training and the pipeline's fine-tune stage share before the first epoch. */
class DetectorSetupTest {
  @TempDir static Path dir;
  static DetectionDataset train;

  @BeforeAll
  static void scenes() {
    DetectionScenes.builder().setOut(dir).setTrain(6).optVal(2).setSize(64).optSeed(3).build().write();
    train = DetectionFolders.open(DetectionFolders.YOLO, dir, "train");
  }

  private static Model yolo(int classes, int h, int w) {
    return Fitter.initialised(Zoo.build(ModelSpec.builder().setArch("yolov5n").optNumClasses(classes).optInputShape(new int[] {3, h, w}).build()), 0);
  }

  @Test
  void writesTheDatasetsNamesAndAnchorsIntoTheGraph() {
    DetectorSetup.Prepared p = DetectorSetup.forTraining(yolo(10, 64, 64), train, true, true, 0);
    DetectorInfo stored = DetectorInfo.of(p.model().graph(), 10);
    assertEquals(train.classNames(), stored.classNames());
    assertEquals("T-shirt/top", stored.classNames().get(0));
    assertEquals(p.info().anchors().format(), stored.anchors().format());
    assertNotNull(p.anchorReport(), "AutoAnchor said what it found");
  }

  @Test
  void keepsTheAnchorsWithoutAutoAnchorAndLeavesTrainedBiasesAlone() {
    Model start = yolo(10, 64, 64);
    DetectorSetup.Prepared p = DetectorSetup.forTraining(start, train, false, false, 0);
    assertNull(p.anchorReport());
    assertEquals(Anchors.yolov5Default().format(), p.info().anchors().format());
    assertTrue(start.weights().equals(p.model().weights()), "no initial biases for a model that is not fresh");
  }

  @Test
  void refusesAHeadOfOtherClassesNamingBothCounts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DetectorSetup.forTraining(yolo(80, 64, 64), train, true, true, 0));
    assertTrue(e.getMessage().startsWith("numClasses: the model's head predicts 80 classes but the dataset names 10 (T-shirt/top, "), e.getMessage());
  }

  @Test
  void refusesANonSquareInput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DetectorSetup.squareSide(yolo(10, 64, 96)));
    assertTrue(e.getMessage().startsWith("inputShape: a detector trains on square letterboxed pictures"), e.getMessage());
  }

  @Test
  void measuresBoxesAsLetterboxedToTheSide() {
    float[][] wh = DetectorSetup.boxSizes(train, 128);
    int objects = 0;
    for (int i = 0; i < train.size(); i++) {
      objects += train.objects(i).size();
    }
    assertEquals(objects, wh.length);
    GroundTruth first = train.objects(0).get(0);
    assertEquals(first.width() * 2, wh[0][0], 1e-4, "64 px scenes letterboxed to 128: twice the size");
  }

  @Test
  void opensTheCocoLayoutToo() {
    Path coco = dir.resolveSibling(dir.getFileName() + "-coco");
    DetectionScenes.builder().setOut(coco).setTrain(2).optVal(1).setSize(64).optFormat(DetectionScenes.Format.COCO).build().write();
    assertEquals(List.of(2, 1), List.of(DetectionFolders.open("coco", coco, "train").size(), DetectionFolders.open("coco", coco, "val").size()));
    assertThrows(IllegalArgumentException.class, () -> DetectionFolders.open("voc", coco, "train"));
  }
}
