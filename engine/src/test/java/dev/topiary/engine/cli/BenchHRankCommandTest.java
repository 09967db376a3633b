package dev.topiary.engine.cli;

import static dev.topiary.engine.cli.EngineCliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.engine.cli.EngineCliTest.Run;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.weights.SafetensorsFile;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench-hrank on ResNet-20 with two batches of 16 Fashion-MNIST test images. */
class BenchHRankCommandTest {

  @Test
  void writesModelBatchesAndRanksOfEveryCapturePoint(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("bench");
    Run r = run("bench-hrank", "--arch", "resnet20", "--input", "3,32,32", "--seed", "3", "--batches", "2", "--batch", "16",
        "--train-limit", "256", "--warmup", "0", "--repeats", "2", "--also", "layer1.0.relu2", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("resnet20 hrank over 32 images (2 batches)"), r.out());

    Model saved = Model.load(out.resolve("model"));
    Model expected = Fitter.initialised(Zoo.build(ModelSpec.builder().setArch("resnet20").optInputShape(3, 32, 32).build()), 3);
    assertEquals(expected.weights().keys(), saved.weights().keys());
    expected.weights().keys().forEach(k -> assertEquals(expected.weights().get(k), saved.weights().get(k), k.toString()));

    Map<String, Tensor> batches = SafetensorsFile.read(out.resolve("batches.safetensors")).tensors();
    assertEquals(List.of("batch0", "batch1", "labels0", "labels1"), batches.keySet().stream().sorted().toList());
    assertArrayEquals(new int[] {16, 3, 32, 32}, batches.get("batch1").shape());
    assertArrayEquals(new int[] {16}, batches.get("labels0").shape());

    JsonNode doc = new ObjectMapper().readTree(out.resolve("topiary.json").toFile());
    assertEquals(32, doc.get("images").asLong());
    assertEquals(2, doc.get("times_s").size());
    assertEquals(0, doc.get("warmup_s").size());
    assertTrue(doc.get("max_abs_diff_vs_group_scores").asDouble() < 1e-4, doc.get("max_abs_diff_vs_group_scores").toString());
    // the second conv of a block is captured at its BN (before the Add); the block output only via --also
    assertEquals("layer1.0.bn2", doc.get("capture_points").get("layer1.0.conv2").asText());
    assertEquals("layer1.0.relu1", doc.get("capture_points").get("layer1.0.conv1").asText());
    Graph g = saved.graph();
    JsonNode ranks = doc.get("ranks");
    assertEquals(19 + 1, ranks.size()); // 19 convs, each its own capture point, plus layer1.0.relu2
    ranks.fields().forEachRemaining(e -> {
      int side = Math.min(g.shape(e.getKey()).height(), g.shape(e.getKey()).width());
      assertEquals(g.shape(e.getKey()).channels(), e.getValue().size(), e.getKey());
      e.getValue().forEach(v -> assertTrue(v.asDouble() >= 0 && v.asDouble() <= side, e.getKey() + ": " + v));
    });
    assertTrue(ranks.get("layer1.0.relu2").get(0).asDouble() > 0);
  }

  @Test
  void refusesNoBatches(@TempDir Path dir) {
    Run r = run("bench-hrank", "--arch", "lenet5", "--batches", "0", "--out", dir.resolve("b").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--batches and --repeats must be >= 1"), r.err());
  }
}
