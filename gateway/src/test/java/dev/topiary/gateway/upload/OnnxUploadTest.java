package dev.topiary.gateway.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.model.Model;
import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.OnnxFixtures;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.store.ArtifactStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/models} with a {@code model.onnx} part: imported by the engine, stored with its import, refused naming the part. */
@QuarkusTest
class OnnxUploadTest {
  private static final String GLOBEX_MODELS = "uploads/globex/models/";

  @Inject
  ArtifactStore store;

  @TempDir
  Path tmp;

  @Test
  void importsTheFileStoresItBesideItsImportAndAnswersWhatItHolds() throws Exception {
    Model engine = OnnxFixtures.resnetImported(tmp);
    JsonPath r = given().auth().oauth2(TestServers.ACME).multiPart("model.onnx", "resnet.onnx", OnnxFixtures.resnet(), "application/octet-stream")
        .post("/api/v1/models").then().statusCode(201)
        .body("id", matchesPattern("m-[0-9a-f]{16}"))
        .body("onnx.key", matchesPattern("uploads/acme/models/m-[0-9a-f]{16}/model.onnx"))
        .body("inputName", equalTo("input")).body("inputShape", equalTo(List.of(3, 32, 32)))
        .body("outputs", hasSize(1)).body("outputs[0].name", equalTo("output")).body("outputs[0].shape", equalTo(List.of(10)))
        .body("classes", equalTo(10)).body("batchNorm", equalTo(true))
        .extract().jsonPath();
    assertEquals(9938, r.getLong("params"), "PyTorch's parameter count of the fixture");
    assertEquals(engine.graph().parameterCount(), r.getLong("params"));
    assertEquals(engine.graph().macs(), r.getLong("macs"));
    assertTrue(r.getLong("macs") > 0);

    String id = r.getString("id");
    String prefix = "uploads/acme/models/" + id + "/";
    assertEquals(prefix + "graph.json", r.getString("graph.key"));
    assertEquals(prefix + "weights.safetensors", r.getString("weights.key"));
    assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(OnnxFixtures.resnet())),
        r.getString("onnx.sha256"));
    assertEquals(OnnxFixtures.resnet().length, r.getLong("onnx.size"));
    assertArrayEquals(OnnxFixtures.resnet(), store.getBytes(store.find(prefix + "model.onnx").orElseThrow()), "the original file is kept");
    String graph = new String(store.getBytes(store.find(prefix + "graph.json").orElseThrow()), StandardCharsets.UTF_8);
    assertEquals(GraphJson.write(engine.graph()), GraphJson.write(GraphJson.read(graph, "graph.json")), "the stored graph is the engine's import");
  }

  @Test
  void refusesAnUnsupportedOpNamingTheNodeAndTheOpAndStoresNothing() {
    Map.Entry<String, byte[]> gelu = OnnxFixtures.resnetWithGelu();
    int before = store.list(GLOBEX_MODELS).size();
    String message = given().auth().oauth2(TestServers.GLOBEX).multiPart("model.onnx", "gelu.onnx", gelu.getValue(), "application/octet-stream")
        .post("/api/v1/models").then().statusCode(400).body("errors", hasSize(1)).body("errors[0].field", equalTo("model.onnx"))
        .extract().path("errors[0].message");
    assertTrue(message.contains("node '" + gelu.getKey() + "'") && message.contains("Gelu"), message);
    assertTrue(!message.contains("/tmp") && !message.contains("target/"), "no server path: " + message);
    assertEquals(before, store.list(GLOBEX_MODELS).size(), "nothing stored");
  }

  @Test
  void refusesAnEmptyFileAndAFileThatIsNotOnnxNamingThePart() {
    int before = store.list(GLOBEX_MODELS).size();
    given().auth().oauth2(TestServers.GLOBEX).multiPart("model.onnx", "empty.onnx", new byte[0], "application/octet-stream")
        .post("/api/v1/models").then().statusCode(400).body("errors[0].field", equalTo("model.onnx"))
        .body("errors[0].message", containsString("empty file"));
    given().auth().oauth2(TestServers.GLOBEX).multiPart("model.onnx", "notes.onnx", "name,value\nconv1,3\n".getBytes(StandardCharsets.UTF_8),
        "application/octet-stream").post("/api/v1/models").then().statusCode(400).body("errors[0].field", equalTo("model.onnx"))
        .body("errors[0].message", containsString("not an ONNX model")).body("errors[0].message", not(containsString("/tmp")));
    assertEquals(before, store.list(GLOBEX_MODELS).size(), "nothing stored");
  }

  @Test
  void refusesOnnxTogetherWithAGraphNamingTheParts() {
    given().auth().oauth2(TestServers.GLOBEX).multiPart("model.onnx", "resnet.onnx", OnnxFixtures.resnet(), "application/octet-stream")
        .multiPart("graph.json", "g.json", Fixtures.lenetGraphJson(), "application/json")
        .post("/api/v1/models").then().statusCode(400).body("errors[0].field", equalTo("model.onnx"))
        .body("errors[0].message", containsString("not both kinds; got parts model.onnx, graph.json"));
  }

  @Test
  void keepsTheGraphAndWeightsUploadAsBefore() {
    given().auth().oauth2(TestServers.GLOBEX).multiPart("weights.safetensors", "w.safetensors", Fixtures.lenetWeights(), "application/octet-stream")
        .post("/api/v1/models").then().statusCode(400).body("errors[0].field", equalTo("graph.json"))
        .body("errors[0].message", containsString("or one part named model.onnx"));
  }
}
