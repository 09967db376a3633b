package dev.topiary.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code detection-data}. */
class DetectionDataCommandTest {
  @TempDir Path dir;

  @Test
  void writesTheYoloLayoutAndSaysWhatItWrote() {
    EngineCliTest.Run r = EngineCliTest.run("detection-data", "--out", dir.toString(), "--train", "3", "--val", "2",
        "--size", "48", "--max-objects", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("(?s)wrote 3 train \\(\\d objects\\) \\+ 2 val \\(\\d objects\\) 48x48 scenes in yolo layout to .*"), r.out());
    assertTrue(Files.isRegularFile(dir.resolve("data.yaml")));
    assertTrue(Files.isRegularFile(dir.resolve("labels/val/000001.txt")));
  }

  @Test
  void refusesAnUnknownFormatAndAForeignFolder() throws Exception {
    EngineCliTest.Run bad = EngineCliTest.run("detection-data", "--out", dir.toString(), "--train", "1", "--format", "voc");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--format: expected yolo or coco, got voc"), bad.err());
    Files.writeString(dir.resolve("x.txt"), "mine");
    EngineCliTest.Run foreign = EngineCliTest.run("detection-data", "--out", dir.toString(), "--train", "1");
    assertEquals(2, foreign.code());
    assertTrue(foreign.err().contains("was not written by detection-data"), foreign.err());
  }
}
