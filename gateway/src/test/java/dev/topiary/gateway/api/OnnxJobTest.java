package dev.topiary.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.topiary.engine.model.Model;
import dev.topiary.gateway.Bus;
import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.OnnxFixtures;
import dev.topiary.gateway.TestServers;
import dev.topiary.gateway.submit.JobRequestConsumer;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job citing an uploaded {@code model.onnx}: accepted over REST and Kafka, checked against its dataset, its models downloaded as ONNX. */
@QuarkusTest
class OnnxJobTest {
  @TempDir
  Path tmp;

  static JsonPath upload(String token, String name, byte[] onnx) {
    return given().auth().oauth2(token).multiPart("model.onnx", name, onnx, "application/octet-stream")
        .post("/api/v1/models").then().statusCode(201).extract().jsonPath();
  }

  static String spec(String name, Map<String, Object> onnx, String dataset) {
    return """
        {"name": "%s", "model": {"onnx": %s},
         "dataset": %s,
         "prune": {"criterion": "l1", "select": {"globalRatio": 0.25}},
         "schedule": {"mode": "oneshot", "finetune": {"epochs": 1}}}
        """.formatted(name, ref(onnx), dataset);
  }

  static String ref(Map<String, Object> r) {
    return "{\"bucket\": \"%s\", \"key\": \"%s\", \"sha256\": \"%s\", \"size\": %s}".formatted(r.get("bucket"), r.get("key"),
        r.get("sha256"), r.get("size"));
  }

  static String submit(String token, String spec) {
    return given().auth().oauth2(token).contentType("application/json").body(spec).post("/api/v1/jobs")
        .then().log().ifValidationFails().statusCode(201).body("plan.steps[0].kind", equalTo("evaluate")).extract().path("jobId");
  }

  /** The one message of a 400 naming {@code model.onnx}. */
  static String refusal(String token, String spec) {
    return given().auth().oauth2(token).contentType("application/json").body(spec).post("/api/v1/jobs").then().statusCode(400)
        .body("errors.size()", equalTo(1)).body("errors[0].field", equalTo("model.onnx")).extract().path("errors[0].message");
  }

  @Test
  void aJobCitingAnUploadedOnnxRunsOnItsImportedGraphAndWeights() {
    JsonPath up = upload(TestServers.ACME, "resnet.onnx", OnnxFixtures.resnet());
    String jobId = submit(TestServers.ACME, spec("from-onnx", up.getMap("onnx"), "{\"kind\": \"fashion-mnist\"}"));
    JobSubmitted event = (JobSubmitted) EventCodec.fromBytes(Bus.find(Topics.JOB_SUBMITTED, v -> v.contains(jobId), Duration.ofSeconds(20))
        .orElseThrow().value());
    assertEquals(up.getString("graph.key"), event.artifacts().model().graph().key());
    assertEquals(up.getString("weights.sha256"), event.artifacts().model().weights().sha256());
  }

  @Test
  void aKafkaJobRequestCitingAnOnnxUploadIsAcceptedAlike() {
    JsonPath up = upload(TestServers.GLOBEX, "resnet.onnx", OnnxFixtures.resnet());
    String requestId = "onnx-" + UUID.randomUUID();
    Bus.send(Topics.JOB_REQUESTS, requestId, spec("onnx-kafka", up.getMap("onnx"), "{\"kind\": \"fashion-mnist\"}").getBytes(StandardCharsets.UTF_8),
        "authorization", "Bearer " + TestServers.GLOBEX);
    JobSubmitted event = (JobSubmitted) EventCodec.fromBytes(Bus.find(Topics.JOB_SUBMITTED, v -> v.contains(requestId),
        Duration.ofSeconds(30)).orElseThrow().value());
    assertEquals(JobRequestConsumer.jobIdOf("globex", requestId), event.jobId());
    assertEquals(up.getString("weights.key"), event.artifacts().model().weights().key());
  }

  @Test
  void runsTheGraphChecksOnTheImportedGraph() {
    JsonPath up = upload(TestServers.ACME, "resnet.onnx", OnnxFixtures.resnet());
    String spec = spec("exclude-missing", up.getMap("onnx"), "{\"kind\": \"fashion-mnist\"}")
        .replace("{\"globalRatio\": 0.25}", "{\"globalRatio\": 0.25, \"exclude\": [\"conv9\"]}");
    given().auth().oauth2(TestServers.ACME).contentType("application/json").body(spec).post("/api/v1/jobs").then().statusCode(400)
        .body("errors[0].field", equalTo("prune.select.exclude[0]")).body("errors[0].message", containsString("has no node 'conv9'"));
  }

  @Test
  void refusesAModelWhoseClassesDifferFromTheDatasetsWithBothNumbers() {
    Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
    for (String split : List.of("train", "test")) {
      for (String cls : List.of("cat", "dog")) {
        entries.put(split + "/" + cls + "/a.png", Fixtures.png(0x00ff00));
      }
    }
    String uri = given().auth().oauth2(TestServers.ACME).multiPart("kind", "image-folder").multiPart("file", "pets.zip", Fixtures.zip(entries))
        .post("/api/v1/datasets").then().statusCode(201).extract().path("uri");
    JsonPath up = upload(TestServers.ACME, "resnet.onnx", OnnxFixtures.resnet());
    assertEquals("the model has 10 classes (output 'output') but dataset image-folder has 2 classes",
        refusal(TestServers.ACME, spec("classes", up.getMap("onnx"), "{\"kind\": \"image-folder\", \"uri\": \"" + uri + "\"}")));
    // one folder of classes (split by valFraction at job time): its top-level folders are the classes
    Map<String, byte[]> single = new java.util.LinkedHashMap<>();
    for (String cls : List.of("ant", "bee", "cow")) {
      single.put(cls + "/a.png", Fixtures.png(0x0000ff));
    }
    String one = given().auth().oauth2(TestServers.ACME).multiPart("kind", "image-folder").multiPart("file", "bugs.zip", Fixtures.zip(single))
        .post("/api/v1/datasets").then().statusCode(201).extract().path("uri");
    assertEquals("the model has 10 classes (output 'output') but dataset image-folder has 3 classes",
        refusal(TestServers.ACME, spec("classes-one-folder", up.getMap("onnx"), "{\"kind\": \"image-folder\", \"uri\": \"" + one + "\"}")));
  }

  @Test
  void refusesAOneChannelModelOnThreeChannelImages() {
    var req = given().auth().oauth2(TestServers.ACME).multiPart("kind", "cifar10");
    for (int b = 1; b <= 5; b++) {
      req = req.multiPart("file", "data_batch_" + b + ".bin", Fixtures.cifarBatch(2));
    }
    String uri = req.multiPart("file", "test_batch.bin", Fixtures.cifarBatch(2)).post("/api/v1/datasets").then().statusCode(201)
        .extract().path("uri");
    JsonPath up = upload(TestServers.ACME, "lenet.onnx", OnnxFixtures.lenet());
    String message = refusal(TestServers.ACME, spec("channels", up.getMap("onnx"), "{\"kind\": \"cifar10\", \"uri\": \"" + uri + "\"}"));
    assertTrue(message.contains("takes 1 channel [1, 28, 28] but dataset cifar10 has 3-channel images"), message);

    // the same check for a stored graph with weights
    JsonPath graph = given().auth().oauth2(TestServers.ACME).multiPart("graph.json", "g.json", Fixtures.lenetGraphJson(), "application/json")
        .multiPart("weights.safetensors", "w.safetensors", Fixtures.lenetWeights(), "application/octet-stream")
        .post("/api/v1/models").then().statusCode(201).extract().jsonPath();
    String graphSpec = spec("graph-channels", up.getMap("onnx"), "{\"kind\": \"cifar10\", \"uri\": \"" + uri + "\"}")
        .replaceFirst("\"onnx\": \\{[^}]*\\}", "\"graph\": " + ref(graph.getMap("graph")) + ", \"weights\": " + ref(graph.getMap("weights")));
    given().auth().oauth2(TestServers.ACME).contentType("application/json").body(graphSpec).post("/api/v1/jobs").then().statusCode(400)
        .body("errors[0].field", equalTo("model.graph")).body("errors[0].message", containsString("but dataset cifar10 has 3-channel images"));
  }

  @Test
  void refusesAnotherTenantsOnnxAndACitedHashThatDoesNotMatch() {
    JsonPath up = upload(TestServers.ACME, "resnet.onnx", OnnxFixtures.resnet());
    String notMine = refusal(TestServers.GLOBEX, spec("not-mine", up.getMap("onnx"), "{\"kind\": \"fashion-mnist\"}"));
    assertTrue(notMine.contains("is not one of your uploads"), notMine);
    Map<String, Object> wrong = new java.util.HashMap<>(up.getMap("onnx"));
    wrong.put("sha256", "0".repeat(64));
    String wrongHash = refusal(TestServers.ACME, spec("wrong-hash", wrong, "{\"kind\": \"fashion-mnist\"}"));
    assertTrue(wrongHash.contains("not the cited " + "0".repeat(64)), wrongHash);
  }

  @Test
  void downloadsTheJobsModelAsOnnxWithTheOriginalNamesComputingWhatDjlComputes() throws Exception {
    JsonPath up = upload(TestServers.ACME, "resnet.onnx", OnnxFixtures.resnet());
    String jobId = submit(TestServers.ACME, spec("download-onnx", up.getMap("onnx"), "{\"kind\": \"fashion-mnist\"}"));
    given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs/" + jobId + "/artifacts").then().statusCode(200)
        .body("models.size()", equalTo(1)).body("models[0].step", equalTo(0)).body("models[0].stage", equalTo("submit"))
        .body("models[0].graph.key", equalTo(up.getString("graph.key")));

    byte[] onnx = given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs/" + jobId + "/artifacts/0/model?format=onnx")
        .then().statusCode(200).extract().asByteArray();
    ModelProto proto = ModelProto.parseFrom(onnx);
    assertEquals("input", proto.getGraph().getInput(0).getName());
    assertEquals("output", proto.getGraph().getOutput(0).getName());
    assertEquals(17, proto.getOpsetImport(0).getVersion());
    Model engine = OnnxFixtures.resnetImported(tmp);
    float[] djl = OnnxFixtures.runDjl(engine, OnnxFixtures.RESNET_INPUT);
    float[] ort = OnnxFixtures.runOrt(onnx, OnnxFixtures.RESNET_INPUT, "output");
    assertEquals(20, ort.length);
    assertTrue(OnnxFixtures.relativeDiff(djl, ort) <= 1e-4, "ONNX Runtime on the download against DJL: " + OnnxFixtures.relativeDiff(djl, ort));

    byte[] folded = given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs/" + jobId + "/artifacts/0/model?format=onnx&foldBn=true")
        .then().statusCode(200).extract().asByteArray();
    List<String> ops = ModelProto.parseFrom(folded).getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    assertTrue(proto.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("BatchNormalization")));
    assertTrue(!ops.contains("BatchNormalization"), "BN folded: " + ops);
    float[] foldedOut = OnnxFixtures.runOrt(folded, OnnxFixtures.RESNET_INPUT, "output");
    assertTrue(OnnxFixtures.relativeDiff(djl, foldedOut) <= 1e-4, "folded against DJL: " + OnnxFixtures.relativeDiff(djl, foldedOut));
  }

  @Test
  void aDownloadIsRefusedForAnotherTenantAnUnknownStepAndAnUnknownFormat() {
    JsonPath up = upload(TestServers.ACME, "resnet.onnx", OnnxFixtures.resnet());
    String jobId = submit(TestServers.ACME, spec("download-refusals", up.getMap("onnx"), "{\"kind\": \"fashion-mnist\"}"));
    String base = "/api/v1/jobs/" + jobId + "/artifacts";
    given().auth().oauth2(TestServers.GLOBEX).get(base).then().statusCode(404);
    given().auth().oauth2(TestServers.GLOBEX).get(base + "/0/model?format=onnx").then().statusCode(404);
    given().auth().oauth2(TestServers.ACME).get(base + "/3/model?format=onnx").then().statusCode(404)
        .body("errors[0].field", equalTo("step")).body("errors[0].message", containsString("has no model at step 3"));
    given().auth().oauth2(TestServers.ACME).get(base + "/0/model?format=tflite").then().statusCode(400)
        .body("errors[0].field", equalTo("format")).body("errors[0].message", containsString("expected zip or onnx"));
    byte[] zip = given().auth().oauth2(TestServers.ACME).get(base + "/0/model").then().statusCode(200).extract().asByteArray();
    assertEquals('P', zip[0], "a zip by default");
  }
}
