package dev.topiary.gateway.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.store.ArtifactStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Detection datasets (kind {@code yolo}: one zip of a YOLOv5 folder) are opened by the engine's
 * reader after unpacking; each bad input of issue 15 is a 400 naming the file and line, with
 * nothing stored.
 */
@QuarkusTest
class YoloUploadTest {
  static final String YAML = "path: .\ntrain: images/train\nval: images/val\nnc: 2\nnames: [cat, dog]\n";

  @Inject
  ArtifactStore store;

  @Test
  void acceptsAYoloFolderAndDescribesIt() {
    Map<String, byte[]> entries = layout();
    JsonPath r = upload(entries).then().log().ifValidationFails().statusCode(201).body("kind", equalTo("yolo"))
        .body("trainSamples", equalTo(2)).body("testSamples", equalTo(1)).body("numClasses", equalTo(2))
        .body("classNames", equalTo(List.of("cat", "dog"))).body("shape[0]", equalTo(List.of(3, 8, 8))).extract().jsonPath();
    String prefix = r.getString("uri").substring("s3://topiary/".length()) + "/";
    List<String> keys = store.list(prefix);
    assertEquals(entries.size(), keys.size(), keys.toString());
    assertTrue(keys.contains(prefix + "data.yaml"), keys.toString());
  }

  @Test
  void acceptsTheFolderZippedWithItsOwnTopFolder() {
    Map<String, byte[]> nested = new LinkedHashMap<>();
    layout().forEach((k, v) -> nested.put("scenes/" + k, v));
    JsonPath r = upload(nested).then().statusCode(201).extract().jsonPath();
    String prefix = r.getString("uri").substring("s3://topiary/".length()) + "/";
    assertTrue(store.exists(prefix + "data.yaml"), "stored from the folder holding data.yaml: " + store.list(prefix));
  }

  @Test
  void aDetectionJobOnTheUploadIsRefusedWhenItsHeadPredictsOtherClasses() {
    String uri = upload(layout()).then().statusCode(201).extract().jsonPath().getString("uri");
    String spec = "name: yolo-classes\ntask: detection\nmodel: {zoo: yolov5n, numClasses: 10, inputShape: [3, 64, 64]}\n"
        + "baseline: {epochs: 1}\ndataset: {kind: yolo, uri: '" + uri + "'}\nprune: {granularity: channel}\n"
        + "schedule: {mode: slimming, percent: 0.5, sparsityTraining: {epochs: 1}, finetune: {epochs: 1}}\n";
    given().auth().oauth2(TestServers.ACME).contentType("application/yaml").body(spec.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/jobs").then().statusCode(400).body("errors[0].field", equalTo("model.numClasses"))
        .body("errors[0].message", equalTo("the model's head predicts 10 classes but dataset " + uri + " names 2 (cat, dog)"));
  }

  @Test
  void aZooDetectorOnACocoDatasetIsNotA500() {
    String spec = "name: coco-zoo\ntask: detection\nmodel: {zoo: yolov5n, numClasses: 10, inputShape: [3, 64, 64]}\n"
        + "baseline: {epochs: 1}\ndataset: {kind: coco, uri: 's3://topiary/uploads/acme/datasets/none'}\nprune: {granularity: channel}\n"
        + "schedule: {mode: slimming, percent: 0.5, sparsityTraining: {epochs: 1}, finetune: {epochs: 1}}\n";
    var r = given().auth().oauth2(TestServers.ACME).contentType("application/yaml").body(spec.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/jobs");
    assertTrue(r.statusCode() < 500, r.statusCode() + " " + r.asString());
  }

  static Stream<Arguments> badZips() {
    return Stream.of(
        bad("a label line without 5 numbers", e -> e.put("labels/train/a.txt", text("0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2\n")),
            "labels/train/a.txt:2: expected 5 numbers (class cx cy w h), got 4 fields"),
        bad("coordinates outside [0, 1]", e -> e.put("labels/val/c.txt", text("1 1.2 0.5 0.2 0.2\n")),
            "labels/val/c.txt:1: coordinates outside [0, 1]"),
        bad("a class id past the class count", e -> e.put("labels/train/b.txt", text("2 0.5 0.5 0.2 0.2\n")),
            "labels/train/b.txt:1: class 2 is not a class index in [0, 2)"),
        bad("a label without an image", e -> e.put("labels/train/ghost.txt", text("0 0.5 0.5 0.2 0.2\n")),
            "labels/train/ghost.txt: label file without an image"),
        bad("an image that cannot be read", e -> e.put("images/val/c.png", text("not a picture")),
            "images/val/c.png: unreadable image format"),
        bad("no data.yaml", e -> e.remove("data.yaml"), "no data.yaml at the top of the zip"),
        bad("a yaml pointing outside", e -> e.put("data.yaml", text(YAML.replace("path: .", "path: /tmp"))), "not a yolo dataset"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badZips")
  void refusesNamingTheFileAndLineAndStoresNothing(String name, Map<String, byte[]> entries, String message) {
    DetectionZips.assertRefused(store, () -> upload(entries), message);
  }


  @Test
  void refusesLooseFiles() {
    given().auth().oauth2(TestServers.ACME).multiPart("kind", "yolo").multiPart("file", "data.yaml", text(YAML))
        .post("/api/v1/datasets").then().statusCode(400).body("errors[0].field", equalTo("file"))
        .body("errors[0].message", equalTo("a yolo dataset is uploaded as one zip of its folder (data.yaml, images/, labels/), got [data.yaml]"));
  }

  private static Arguments bad(String name, Consumer<Map<String, byte[]>> change, String message) {
    return DetectionZips.bad(name, YoloUploadTest::layout, change, message);
  }


  /** Two training pictures and one validation picture, each with one box. */
  static Map<String, byte[]> layout() {
    Map<String, byte[]> e = new LinkedHashMap<>();
    e.put("data.yaml", text(YAML));
    e.put("images/train/a.png", Fixtures.png(0x00ff00));
    e.put("images/train/b.png", Fixtures.png(0xff0000));
    e.put("images/val/c.png", Fixtures.png(0x0000ff));
    e.put("labels/train/a.txt", text("0 0.5 0.5 0.25 0.25\n"));
    e.put("labels/train/b.txt", text("1 0.4 0.4 0.5 0.5\n"));
    e.put("labels/val/c.txt", text("1 0.5 0.5 0.5 0.5\n"));
    return e;
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Response upload(Map<String, byte[]> entries) {
    return DetectionZips.upload("yolo", "scenes.zip", entries);
  }

}
