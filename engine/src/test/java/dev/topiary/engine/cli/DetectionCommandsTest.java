package dev.topiary.engine.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detector's commands on a tiny generated set: train, eval, predict-boxes, slim-detector, gamma-histogram. */
class DetectionCommandsTest {
  @TempDir static Path dir;
  static Path data;
  static Path model;

  @BeforeAll
  static void trainOneEpoch() {
    data = dir.resolve("scenes");
    model = dir.resolve("yolo");
    assertEquals(0, EngineCliTest.run("detection-data", "--out", data.toString(), "--train", "12", "--val", "4", "--size", "64").code());
    EngineCliTest.Run r = EngineCliTest.run("train", "--arch", "yolov5n", "--classes", "10", "--input", "3,64,64", "--dataset", "yolo",
        "--data-dir", data.toString(), "--epochs", "1", "--batch", "4", "--out", model.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("AutoAnchor:") && r.out().contains("epoch 1/1  box ") && r.out().contains("mAP@.5"), r.out());
  }

  @Test
  void evalPrintsYolov5sValTable() {
    EngineCliTest.Run r = EngineCliTest.run("eval", "--model", model.toString(), "--dataset", "yolo", "--data-dir", data.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("(?s).*Class +Images +Labels +P +R +mAP@\\.5 +mAP@\\.5:\\.95\\s+all +4 +\\d+ .*"), r.out());
  }

  @Test
  void predictBoxesNamesTheClassesFromTheModel() {
    Path picture = data.resolve("images/val/000000.png");
    EngineCliTest.Run r = EngineCliTest.run("predict-boxes", "--model", model.toString(), "--image", picture.toString(), "--conf", "0.0001");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith(picture + ": "), r.out());
    String[] lines = r.out().split("\n");
    assertTrue(lines.length > 1, "a low threshold gives boxes: " + r.out());
    assertTrue(lines[1].matches(" +(T-shirt/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot) +0\\.\\d{3} .*"), lines[1]);
  }

  @Test
  void slimDetectorPrintsTheSeedsTableAtFourPoints() throws Exception {
    Path hist = dir.resolve("gamma.svg");
    EngineCliTest.Run r = EngineCliTest.run("slim-detector", "--model", model.toString(), "--data-dir", data.toString(), "--batch", "4",
        "--sparsity-epochs", "1", "--finetune-epochs", "1", "--percent", "0.3", "--latency-batch", "1", "--histogram", hist.toString(),
        "--out", dir.resolve("slim").toString());
    assertEquals(0, r.code(), r.err());
    String[] rows = r.out().substring(r.out().indexOf("mAP@.5  mAP@.5:.95")).split("\n");
    assertTrue(rows[1].startsWith("baseline") && rows[2].startsWith("after sparsity training") && rows[3].startsWith("after the cut")
        && rows[4].startsWith("after fine-tuning"), r.out());
    long before = Long.parseLong(rows[1].trim().split(" +")[3].replace(",", ""));
    long after = Long.parseLong(rows[3].trim().split(" +")[5].replace(",", ""));
    assertTrue(after < before, "the cut removes parameters: " + before + " -> " + after);
    assertTrue(Files.readString(hist).contains("after sparsity training"));
    EngineCliTest.Run h = EngineCliTest.run("gamma-histogram", "--model", model + "," + dir.resolve("slim"), "--percent", "0.5",
        "--out", dir.resolve("h.svg").toString());
    assertEquals(0, h.code(), h.err());
    assertTrue(h.out().contains("threshold at 50% of slim's channels"), h.out());

    // a detector's three head maps, all awaited: the latency commands time every output, not just one
    EngineCliTest.Run t = EngineCliTest.run("table", "--before", model.toString(), "--after", dir.resolve("slim").toString(), "--latency",
        "--batches", "1", "--warmup", "1", "--runs", "2", "--rounds", "1");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("latency cpu b=1 (ms), DJL") && t.out().contains("latency cpu b=1 (ms), ONNX Runtime"), t.out());
    EngineCliTest.Run l = EngineCliTest.run("latency", "--model", model.toString(), "--batches", "1", "--warmup", "1", "--runs", "2");
    assertEquals(0, l.code(), l.err());
  }

  @Test
  void rankScoresADetectorOnItsOwnPictures() {
    EngineCliTest.Run r = EngineCliTest.run("rank", "--model", model.toString(), "--criterion", "taylor", "--dataset", "yolo",
        "--data-dir", data.toString(), "--batch", "4", "--limit", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("(?s)taylor scores of yolov5n: \\d+ groups, 4 images in 1 batches\n#1 +model\\.0\\.conv .*"), r.out());
  }

  @Test
  void refusesAMissingDatasetAndAClassMismatch() {
    EngineCliTest.Run noDir = EngineCliTest.run("train", "--arch", "yolov5n", "--input", "3,64,64", "--dataset", "yolo", "--out", dir.resolve("x").toString());
    assertEquals(2, noDir.code());
    assertTrue(noDir.err().contains("--data-dir: a yolo dataset needs its folder"), noDir.err());
    EngineCliTest.Run mismatch = EngineCliTest.run("train", "--arch", "yolov5n", "--classes", "3", "--input", "3,64,64", "--dataset", "yolo",
        "--data-dir", data.toString(), "--out", dir.resolve("y").toString());
    assertEquals(2, mismatch.code());
    assertTrue(mismatch.err().contains("the model's head predicts 3 classes but the dataset names 10"), mismatch.err());
  }
}
