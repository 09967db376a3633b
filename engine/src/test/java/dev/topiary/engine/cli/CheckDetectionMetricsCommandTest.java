package dev.topiary.engine.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckDetectionMetricsCommandTest {
  @Test
  void writesInputsAndAnswersForTheReferenceCheck(@TempDir Path dir) throws Exception {
    assertEquals(0, EngineCli.run("check-detection-metrics", "--out", dir.toString(), "--seed", "3", "--images", "30", "--nms-images", "2"));
    ObjectMapper json = new ObjectMapper();
    JsonNode metrics = json.readTree(dir.resolve("topiary-metrics.json").toFile());
    assertEquals(30, metrics.get("images").asInt());
    double map50 = metrics.get("map50").asDouble();
    assertTrue(map50 > 0 && map50 < 1 && metrics.get("map").asDouble() < map50, metrics.toString());
    assertTrue(metrics.get("classes").get(4).get("ap50").isNull(), "the last class has no ground truth");
    JsonNode validate = json.readTree(dir.resolve("heads.json").toFile()).get("nms").get("validate").get("images");
    assertEquals(2, validate.size());
    for (JsonNode image : validate) {
      Set<Integer> all = new HashSet<>();
      image.get("keptAll").forEach(i -> all.add(i.asInt()));
      assertEquals(300, image.get("kept").size());
      image.get("kept").forEach(i -> assertTrue(all.contains(i.asInt())));
    }
    assertTrue(Files.size(dir.resolve("dets.json")) > 0 && Files.size(dir.resolve("gt.json")) > 0);
  }
}
