package dev.topiary.gateway.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.store.ArtifactStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/datasets}: each format read by the engine, stored under a server-chosen prefix, citable by its uri. */
@QuarkusTest
class DatasetUploadTest {
  @Inject
  ArtifactStore store;

  @Test
  void storesIdxFilesAndAnswersTheUriASpecCites() {
    JsonPath r = given().auth().oauth2(TestServers.ACME).multiPart("kind", "mnist")
        .multiPart("file", "train-images-idx3-ubyte", Fixtures.idxImages(20)).multiPart("file", "train-labels-idx1-ubyte", Fixtures.idxLabels(20))
        .multiPart("file", "t10k-images-idx3-ubyte", Fixtures.idxImages(5)).multiPart("file", "t10k-labels-idx1-ubyte", Fixtures.idxLabels(5))
        .post("/api/v1/datasets").then().statusCode(201)
        .body("uri", matchesPattern("s3://topiary/uploads/acme/datasets/d-[0-9a-f]{16}")).body("trainSamples", equalTo(20))
        .body("testSamples", equalTo(5)).body("numClasses", equalTo(10)).body("files", hasSize(4)).extract().jsonPath();
    String prefix = r.getString("uri").substring("s3://topiary/".length()) + "/";
    assertEquals(4, store.list(prefix).size());
    assertArrayEquals(Fixtures.idxLabels(5), store.getBytes(store.find(prefix + "t10k-labels-idx1-ubyte").orElseThrow()));

    String spec = Fixtures.lenetSpecYaml("on-upload").replace("kind: fashion-mnist", "kind: mnist\n  uri: " + r.getString("uri"));
    given().auth().oauth2(TestServers.ACME).contentType("application/yaml").body(spec.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/jobs").then().log().ifValidationFails().statusCode(201);
    given().auth().oauth2(TestServers.GLOBEX).contentType("application/yaml").body(spec.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/jobs").then().statusCode(400).body("errors[0].field", equalTo("dataset.uri"));
  }

  @Test
  void storesCifarBatches() {
    var req = given().auth().oauth2(TestServers.ACME).multiPart("kind", "cifar10");
    for (int b = 1; b <= 5; b++) {
      req = req.multiPart("file", "data_batch_" + b + ".bin", Fixtures.cifarBatch(3));
    }
    req.multiPart("file", "test_batch.bin", Fixtures.cifarBatch(2)).post("/api/v1/datasets").then().statusCode(201)
        .body("kind", equalTo("cifar10")).body("trainSamples", equalTo(15)).body("testSamples", equalTo(2)).body("shape[0]", equalTo(List.of(3, 32, 32)));
  }

  @Test
  void unpacksAnImageFolderZip() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (String split : List.of("train", "test")) {
      for (String cls : List.of("cat", "dog")) {
        entries.put(split + "/" + cls + "/" + "a.png", Fixtures.png(cls.equals("cat") ? 0x00ff00 : 0xff0000));
        entries.put(split + "/" + cls + "/" + "b.png", Fixtures.png(0x0000ff));
      }
    }
    JsonPath r = given().auth().oauth2(TestServers.ACME).multiPart("kind", "image-folder").multiPart("file", "pets.zip", Fixtures.zip(entries))
        .post("/api/v1/datasets").then().statusCode(201).body("trainSamples", equalTo(4)).body("numClasses", equalTo(2))
        .extract().jsonPath();
    String prefix = r.getString("uri").substring("s3://topiary/".length()) + "/";
    assertEquals(List.of(prefix + "test/cat/a.png", prefix + "test/cat/b.png"), store.list(prefix + "test/cat/"));
  }
}
