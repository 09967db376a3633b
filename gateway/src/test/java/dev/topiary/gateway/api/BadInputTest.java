package dev.topiary.gateway.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.Refusals;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.store.ArtifactStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, one case each: a 4xx, an error entry naming the field or file with a clear message,
 * and nothing stored (the store's {@code jobs/} and {@code uploads/} listings are unchanged).
 */
@QuarkusTest
class BadInputTest {
  private static final String SPEC = Fixtures.lenetSpecYaml("bad-input");
  private static final String GRAPH_REF = "{\"bucket\": \"topiary\", \"key\": \"%s\", \"sha256\": \"%s\", \"size\": 10}";
  private static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  @Inject
  ArtifactStore store;

  static Stream<Arguments> cases() {
    return Stream.of(
        spec("malformed JSON", "application/json", "{\"name\": \"x\", \"model\": {", 400, "", "malformed JSON"),
        spec("malformed YAML", "application/yaml", "name: x\nmodel: [unclosed\n  zoo: lenet5", 400, "", "malformed YAML"),
        spec("duplicate YAML key", "application/yaml", SPEC + "name: again\n", 400, "", "Duplicate field 'name'"),
        spec("unknown field", "application/yaml", SPEC.replace("criterion: l1", "criterion: l1\n  critrion: l2"), 400,
            "prune.critrion", "unknown field; did you mean 'criterion'?"),
        spec("compress-rate list of the wrong length", "application/yaml", layerwise("[0.5]"), 400,
            "prune.select.compressRate", "expected 2 rates for lenet5 (one per Conv), got 1"),
        spec("compress rate of 1", "application/yaml", layerwise("[1.0, 0.5]"), 400, "prune.select.compressRate", "outside [0, 1)"),
        spec("global ratio of 1.5", "application/yaml", SPEC.replace("globalRatio: 0.5", "globalRatio: 1.5"), 400,
            "prune.select.globalRatio", "must be in (0, 1), got 1.5"),
        spec("unknown architecture", "application/yaml", SPEC.replace("zoo: lenet5", "zoo: lenet7"), 400, "model.zoo",
            "unknown architecture 'lenet7'"),
        spec("a path in the job name", "application/yaml", SPEC.replace("name: bad-input", "name: ../../etc/passwd"), 400, "name", "'..'"),
        spec("missing schedule", "application/yaml", SPEC.substring(0, SPEC.indexOf("schedule:")), 400, "schedule", "required"),
        spec("an input too large to train (a poison job)", "application/yaml", SPEC.replace("zoo: lenet5",
            "zoo: resnet20\n  inputShape: [3, 100000, 100000]"), 400, "model.inputShape",
            "an input of 100000 x 100000 is 10,000,000,000 pixels, more than this gateway accepts (16,777,216"),
        spec("a job that needs more memory than the fine-tune service has", "application/yaml", SPEC.replace("zoo: lenet5",
            "zoo: resnet20\n  inputShape: [3, 1024, 1024]"), 400, "model.inputShape", "in the fine-tune service"),
        spec("an evaluation batch the eval service cannot hold", "application/yaml", SPEC.replace("zoo: lenet5",
            "zoo: resnet20\n  inputShape: [3, 128, 128]").replace("batchSizes: [1, 32]", "batchSizes: [1, 4096]"), 400,
            "eval.batchSizes", "in the eval service"),
        spec("a batch size past the limit", "application/yaml", SPEC.replace("testLimit: 128", "testLimit: 128\n  batchSize: 100000"), 400,
            "dataset.batchSize", "100000 is more than this gateway accepts (4096, topiary.gateway.limits.max-batch-size)"),
        spec("epochs past the limit", "application/yaml", SPEC.replace("finetune: {epochs: 2}", "finetune: {epochs: 100000}"), 400,
            "schedule.finetune.epochs", "100000 epochs is more than this gateway accepts (1000"),
        spec("empty body", "application/json", "", 400, "", "the spec is empty"),
        spec("wrong content type", "text/plain", SPEC, 415, "Content-Type", "application/yaml"),
        spec("spec over the size limit", "application/yaml", SPEC + "# " + "x".repeat(25_000) + "\n", 413, "body", "over the limit of 20000"),
        spec("another tenant's graph", "application/json", stored("uploads/globex/models/m-1/graph.json"), 400, "model.graph",
            "is not one of your uploads"),
        spec("a graph that was never uploaded", "application/json", stored("uploads/acme/models/m-0000/graph.json"), 400,
            "model.graph", "no stored object at uploads/acme/models/m-0000/graph.json"),
        spec("a local dataset path", "application/yaml", SPEC.replace("kind: fashion-mnist", "kind: mnist\n  uri: /etc"), 400,
            "dataset.uri", "local paths are not accepted"),
        upload("model without weights", () -> auth().multiPart("graph.json", "g.json", Fixtures.lenetGraphJson()), "/api/v1/models", 400,
            "weights.safetensors", "required"),
        upload("model without graph", () -> auth().multiPart("weights.safetensors", "w", Fixtures.lenetWeights()), "/api/v1/models", 400,
            "graph.json", "required"),
        upload("corrupt safetensors", () -> model(Fixtures.lenetGraphJson(), "not a safetensors file at all".getBytes(StandardCharsets.UTF_8)),
            "/api/v1/models", 400, "weights.safetensors", ""),
        upload("weights that lack a tensor of the graph", () -> model(Fixtures.lenetGraphJson(), Fixtures.lenetWeightsMissing("conv1.weight")),
            "/api/v1/models", 400, "weights.safetensors", "missing conv1.weight"),
        upload("corrupt graph.json", () -> model("{\"format\": \"topiary-graph\", \"version\": 1, \"nodes\": 3}".getBytes(StandardCharsets.UTF_8),
            Fixtures.lenetWeights()), "/api/v1/models", 400, "graph.json", ""),
        upload("weights over the size limit", () -> model(Fixtures.lenetGraphJson(), new byte[300_001]), "/api/v1/models", 413,
            "weights.safetensors", "over the limit of 300000"),
        upload("model upload as JSON", () -> auth().contentType("application/json").body("{}"), "/api/v1/models", 415, "Content-Type", ""),
        upload("unknown dataset kind", () -> dataset("svhn", "train-images-idx3-ubyte", Fixtures.idxImages(2)), "/api/v1/datasets", 400,
            "kind", "unknown dataset kind 'svhn'"),
        upload("wrong dataset format", () -> dataset("mnist", "train-images-idx3-ubyte", Fixtures.cifarBatch(2)), "/api/v1/datasets", 400,
            "file", "not a mnist dataset"),
        upload("a path in a file name", () -> dataset("mnist", "../train-images-idx3-ubyte", Fixtures.idxImages(2)), "/api/v1/datasets",
            400, "file", "is not a plain file name"),
        upload("a zip entry that leaves the folder", () -> dataset("image-folder", "flowers.zip",
            Fixtures.zip(Map.of("../../escape.png", new byte[] {1}))), "/api/v1/datasets", 400, "file", "entry '../../escape.png'"),
        upload("a zip cut short (found by the fuzz: a 500)", () -> dataset("image-folder", "flowers.zip",
            java.util.Arrays.copyOf(Fixtures.zip(Map.of("train/cat/a.png", Fixtures.png(0xff0000))), 60)), "/api/v1/datasets", 400,
            "file", "flowers.zip: not a valid zip archive (truncated: it ends inside an entry's data)"),
        upload("a zip that is not one", () -> dataset("image-folder", "flowers.zip", new byte[] {1, 2, 3, 4}), "/api/v1/datasets", 400,
            "file", "flowers.zip"),
        upload("dataset over the size limit", () -> dataset("cifar10", "data_batch_1.bin", new byte[400_001]), "/api/v1/datasets", 413,
            "file", "over the limit of 400000"),
        upload("a form field over the HTTP layer's limit (found by the fuzz: a 413 without a body)", () -> auth()
            .multiPart("kind", "x".repeat(10_000)).multiPart("file", "a.zip", new byte[] {1}), "/api/v1/datasets", 413, "",
            "a multipart field without a file name is over the limit of 2048 bytes"),
        upload("dataset without files", () -> auth().multiPart("kind", "mnist"), "/api/v1/datasets", 400, "file", "required"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesWithAMessageNamingTheFieldAndStoresNothing(String name, Supplier<Response> request, int status, String field, String message) {
    List<String> before = Refusals.stored(store);
    Response r = request.get();
    assertEquals(status, r.statusCode(), r.asString());
    List<Map<String, String>> errors = Refusals.errors(r, "");
    assertTrue(errors.stream().anyMatch(e -> e.get("field").equals(field) && e.get("message").contains(message)),
        "expected an error on '" + field + "' containing '" + message + "', got " + errors);
    assertEquals(before, Refusals.stored(store), "something was stored");
  }

  private static Arguments spec(String name, String type, String body, int status, String field, String message) {
    Supplier<Response> r = () -> auth().contentType(type).body(body.getBytes(StandardCharsets.UTF_8)).post("/api/v1/jobs");
    return Arguments.of(name, r, status, field, message);
  }

  private static Arguments upload(String name, Supplier<RequestSpecification> request, String path, int status, String field,
      String message) {
    Supplier<Response> r = () -> request.get().post(path);
    return Arguments.of(name, r, status, field, message);
  }

  private static RequestSpecification auth() {
    return given().auth().oauth2(TestServers.ACME);
  }

  private static RequestSpecification model(byte[] graph, byte[] weights) {
    return auth().multiPart("graph.json", "graph.json", graph).multiPart("weights.safetensors", "weights.safetensors", weights);
  }

  private static RequestSpecification dataset(String kind, String fileName, byte[] content) {
    return auth().multiPart("kind", kind).multiPart("file", fileName, content);
  }

  private static String layerwise(String rates) {
    return SPEC.replace("select: {globalRatio: 0.5}", "select: {compressRate: " + rates + "}")
        .replace("mode: oneshot\n  finetune: {epochs: 2}", "mode: layerwise\n  perStep: {epochs: 1}\n  finalTune: {epochs: 1}");
  }

  private static String stored(String graphKey) {
    return """
        {"name": "stored", "model": {"graph": %s, "weights": %s}, "dataset": {"kind": "fashion-mnist"},
         "prune": {"select": {"globalRatio": 0.5}}, "schedule": {"mode": "oneshot", "finetune": {"epochs": 1}}}
        """.formatted(GRAPH_REF.formatted(graphKey, HASH), GRAPH_REF.formatted(graphKey.replace("graph.json", "weights.safetensors"), HASH));
  }
}
