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
  void resumesFromItsCheckpointFolder() {
    Path data = dir.resolve("scenes");
    assertEquals(0, EngineCliTest.run("detection-data", "--out", data.toString(), "--train", "4", "--val", "2", "--size", "64").code());
    Path checkpoints = dir.resolve("checkpoints");
    String[] args = {"train", "--arch", "yolov5n", "--classes", "10", "--input", "3,64,64", "--dataset", "yolo", "--data-dir", data.toString(),
        "--batch", "4", "--nominal-batch", "4", "--checkpoint-dir", checkpoints.toString(), "--out", dir.resolve("m").toString(), "--epochs"};
    EngineCliTest.Run first = EngineCliTest.run(append(args, "1"));
    assertEquals(0, first.code(), first.err());
    assertTrue(Files.isRegularFile(checkpoints.resolve("training-checkpoint.bin")));
    EngineCliTest.Run more = EngineCliTest.run(append(args, "2"));
    assertEquals(0, more.code(), more.err());
    assertTrue(more.out().contains("resuming from " + checkpoints.resolve("training-checkpoint.bin")), more.out());
    assertTrue(more.out().contains("epoch 2/2  box ") && !more.out().contains("epoch 1/2"), more.out());
  }

  private static String[] append(String[] args, String last) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = last;
    return all;
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
