package dev.topiary.gateway.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.weights.Sha256;
import dev.topiary.gateway.Fixtures;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.job.SpecProblem;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.testsupport.S3Server;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A spec citing another tenant's uploads (graph, weights, model.onnx, dataset uri) gets the same
 * problems whether those uploads exist or not, and the check reads nothing of them: the store's
 * HTTP client counts every request. The same specs are checked before and after globex uploads
 * the objects they cite.
 */
class ForeignUploadsProbeTest {
  private static final AtomicInteger STORE_REQUESTS = new AtomicInteger();
  private static final String MODEL = "uploads/globex/models/m-0123456789abcdef/";
  private static final String ONNX = "uploads/globex/models/m-fedcba9876543210/";
  private static final String DATASET = "s3://topiary/uploads/globex/datasets/d-0123456789abcdef";

  private static S3Server s3;
  private static ArtifactStore store;

  @BeforeAll
  static void start() {
    s3 = S3Server.start();
    store = Fixtures.countingStore(s3, STORE_REQUESTS);
  }

  @AfterAll
  static void stop() {
    store.close();
    s3.close();
  }

  @Test
  void citingAnotherTenantsUploadsAnswersTheSameWhetherTheyExistOrNot() {
    byte[] graph = Fixtures.lenetGraphJson();
    byte[] weights = Fixtures.lenetWeights();
    byte[] onnx = {8, 7, 18, 4};
    List<String> specs = List.of(spec(stored(MODEL + "graph.json", graph), stored(MODEL + "weights.safetensors", weights)),
        onnxSpec(stored(ONNX + "model.onnx", onnx)));

    STORE_REQUESTS.set(0);
    List<List<SpecProblem>> before = specs.stream().map(ForeignUploadsProbeTest::check).toList();
    assertEquals(0, STORE_REQUESTS.get(), "nothing is looked up under another tenant's prefix");
    store.put(MODEL + "graph.json", graph);
    store.put(MODEL + "weights.safetensors", weights);
    store.put(ONNX + "model.onnx", onnx);
    store.put(ONNX + "graph.json", graph);
    store.put(ONNX + "weights.safetensors", weights);
    store.put(DATASET.substring("s3://topiary/".length()) + "/train-images-idx3-ubyte", Fixtures.idxImages(2));
    STORE_REQUESTS.set(0);
    List<List<SpecProblem>> after = specs.stream().map(ForeignUploadsProbeTest::check).toList();

    assertEquals(0, STORE_REQUESTS.get(), "nothing of another tenant's is read");
    assertEquals(before, after, "existence changes nothing in the answer");
    assertEquals(List.of("model.graph", "model.weights", "dataset.uri"), after.get(0).stream().map(SpecProblem::path).toList());
    assertEquals(List.of("model.onnx", "dataset.uri"), after.get(1).stream().map(SpecProblem::path).toList());
    after.forEach(problems -> problems.forEach(p -> assertTrue(p.message().contains("is not one of your uploads"), p.toString())));
  }

  private static List<SpecProblem> check(String spec) {
    StoredInputs inputs = new StoredInputs(store, "acme", false);
    inputs.check(JobSpecs.parse(spec, JobSpecs.Format.JSON));
    return inputs.problems();
  }

  private static String stored(String key, byte[] content) {
    return "{\"bucket\": \"topiary\", \"key\": \"" + key + "\", \"sha256\": \"" + Sha256.hex(content)
        + "\", \"size\": " + content.length + "}";
  }

  private static String spec(String graph, String weights) {
    return """
        {"name": "probe", "model": {"graph": %s, "weights": %s}, "dataset": {"kind": "mnist", "uri": "%s"},
         "prune": {"select": {"globalRatio": 0.5}}, "schedule": {"mode": "oneshot", "finetune": {"epochs": 1}}}
        """.formatted(graph, weights, DATASET);
  }

  private static String onnxSpec(String onnx) {
    return """
        {"name": "probe", "model": {"onnx": %s}, "dataset": {"kind": "mnist", "uri": "%s"},
         "prune": {"select": {"globalRatio": 0.5}}, "schedule": {"mode": "oneshot", "finetune": {"epochs": 1}}}
        """.formatted(onnx, DATASET);
  }
}
