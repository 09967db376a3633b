package dev.topiary.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.detect.DetectorInfo;
import dev.topiary.engine.model.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --dataset yolo}: the CLI readies the detector through the engine's DetectorSetup, as the pipeline does. */
class DetectionTrainCommandTest {
  @TempDir Path dir;

  @Test
  void trainsAYolov5nOnGeneratedScenesAndKeepsTheirNames() throws Exception {
    Path data = dir.resolve("scenes");
    assertEquals(0, EngineCliTest.run("detection-data", "--out", data.toString(), "--train", "8", "--val", "4", "--size", "64").code());
    Path out = dir.resolve("model");
    EngineCliTest.Run r = EngineCliTest.run("train", "--arch", "yolov5n", "--classes", "10", "--input", "3,64,64", "--dataset", "yolo",
        "--data-dir", data.toString(), "--epochs", "1", "--batch", "4", "--nominal-batch", "4", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("epoch 1/1  box "), r.out());
    assertTrue(Files.isRegularFile(out.resolve("graph.json")));
    Model m = Model.load(out);
    assertEquals("Sneaker", DetectorInfo.of(m.graph(), 10).classNames().get(7));
  }

  @Test
  void refusesAHeadOfOtherClassesNamingTheOption() {
    Path data = dir.resolve("scenes");
    assertEquals(0, EngineCliTest.run("detection-data", "--out", data.toString(), "--train", "2", "--val", "1", "--size", "64").code());
    EngineCliTest.Run r = EngineCliTest.run("train", "--arch", "yolov5n", "--classes", "3", "--input", "3,64,64", "--dataset", "yolo",
        "--data-dir", data.toString(), "--epochs", "1", "--out", dir.resolve("m").toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("--classes: the model's head predicts 3 classes but the dataset names 10"), r.err());
  }
}
