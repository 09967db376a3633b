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
 * Detection datasets of kind {@code coco} (one zip of {@code annotations/instances_{train,val}.json}
 * and {@code images/{train,val}/}) are opened by the engine's {@code CocoDataset} after unpacking;
 * each bad input is a 400 naming the file and the annotation or image id, with nothing stored; a
 * detection job cites the upload as it cites a yolo one.
 */
@QuarkusTest
class CocoUploadTest {
  static final String CATEGORIES = "\"categories\": [{\"id\": 7, \"name\": \"dog\"}, {\"id\": 3, \"name\": \"cat\"}]";
  static final String TRAIN = """
      {"images": [{"id": 1, "file_name": "a.png", "width": 8, "height": 8}, {"id": 2, "file_name": "b.png", "width": 8, "height": 8}],
       %s,
       "annotations": [{"id": 10, "image_id": 1, "category_id": 3, "bbox": [2, 2, 4, 4]},
                       {"id": 11, "image_id": 2, "category_id": 7, "bbox": [1, 1, 4, 4]}]}
      """.formatted(CATEGORIES);
  static final String VAL = """
      {"images": [{"id": 5, "file_name": "c.png", "width": 8, "height": 8}], %s,
       "annotations": [{"id": 20, "image_id": 5, "category_id": 7, "bbox": [2, 2, 4, 4]}]}
      """.formatted(CATEGORIES);

  @Inject
  ArtifactStore store;

  @Test
  void acceptsACocoFolderAndDescribesIt() {
    Map<String, byte[]> entries = layout();
    JsonPath r = upload(entries).then().log().ifValidationFails().statusCode(201).body("kind", equalTo("coco"))
        .body("trainSamples", equalTo(2)).body("testSamples", equalTo(1)).body("numClasses", equalTo(2))
        .body("classNames", equalTo(List.of("cat", "dog"))).body("shape[0]", equalTo(List.of(3, 8, 8))).extract().jsonPath();
    String prefix = r.getString("uri").substring("s3://topiary/".length()) + "/";
    List<String> keys = store.list(prefix);
    assertEquals(entries.size(), keys.size(), keys.toString());
    assertTrue(keys.contains(prefix + "annotations/instances_train.json"), keys.toString());
    assertTrue(keys.contains(prefix + "images/val/c.png"), keys.toString());
  }

  @Test
  void storesTheFolderHoldingAnnotationsWhenZippedWithItsOwnTopFolder() {
    Map<String, byte[]> nested = new LinkedHashMap<>();
    layout().forEach((k, v) -> nested.put("coco/" + k, v));
    String prefix = upload(nested).then().statusCode(201).extract().jsonPath().getString("uri").substring("s3://topiary/".length()) + "/";
    assertTrue(store.exists(prefix + "annotations/instances_val.json"), store.list(prefix).toString());
  }

  @Test
  void aDetectionJobCitesTheUpload() {
    String uri = upload(layout()).then().statusCode(201).extract().jsonPath().getString("uri");
    given().auth().oauth2(TestServers.ACME).contentType("application/yaml").body(spec("coco-upload", 2, uri)).post("/api/v1/jobs")
        .then().log().ifValidationFails().statusCode(201);
  }

  @Test
  void aDetectionJobOnTheUploadIsRefusedWhenItsHeadPredictsOtherClasses() {
    String uri = upload(layout()).then().statusCode(201).extract().jsonPath().getString("uri");
    given().auth().oauth2(TestServers.ACME).contentType("application/yaml").body(spec("coco-classes", 10, uri)).post("/api/v1/jobs")
        .then().statusCode(400).body("errors[0].field", equalTo("model.numClasses"))
        .body("errors[0].message", equalTo("the model's head predicts 10 classes but dataset " + uri + " names 2 (cat, dog)"));
  }

  static byte[] spec(String name, int classes, String uri) {
    return ("name: " + name + "\ntask: detection\nmodel: {zoo: yolov5n, numClasses: " + classes + ", inputShape: [3, 64, 64]}\n"
        + "baseline: {epochs: 1}\ndataset: {kind: coco, uri: '" + uri + "'}\nprune: {criterion: taylor, select: {globalRatio: 0.3}}\n"
        + "schedule: {mode: oneshot, finetune: {epochs: 1}}\n").getBytes(StandardCharsets.UTF_8);
  }

  static Stream<Arguments> badZips() {
    String train = "annotations/instances_train.json";
    return Stream.of(
        bad("malformed JSON", e -> e.put(train, text(TRAIN.substring(0, 40))), train + ": not a readable JSON file"),
        bad("a dangling image_id", e -> e.put(train, text(TRAIN.replace("\"image_id\": 2", "\"image_id\": 99"))),
            train + ": annotation 11: image_id 99 is not among the images"),
        bad("an unknown category_id", e -> e.put("annotations/instances_val.json", text(VAL.replace("\"category_id\": 7", "\"category_id\": 4"))),
            "annotations/instances_val.json: annotation 20: category_id 4 is not among the categories"),
        bad("a missing image file", e -> e.remove("images/train/b.png"), train + ": image 2: images/train/b.png not found"),
        bad("a bbox outside the image", e -> e.put(train, text(TRAIN.replace("[2, 2, 4, 4]", "[6, 6, 4, 4]"))),
            train + ": annotation 10: bbox [6,6,4,4] leaves the 8x8 picture"),
        bad("a file_name leading out", e -> e.put(train, text(TRAIN.replace("\"a.png\"", "\"../../../etc/hostname\""))),
            train + ": image 1: file_name '../../../etc/hostname' leads out of the images folder"),
        bad("an image that cannot be read", e -> e.put("images/val/c.png", text("not a picture")), "images/val/c.png: unreadable image format"),
        bad("no annotations", e -> e.remove(train), "no annotations/instances_train.json at the top of the zip"),
        bad("no val split", e -> e.remove("annotations/instances_val.json"), "annotations/instances_val.json: no such file"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badZips")
  void refusesNamingTheFileAndIdAndStoresNothing(String name, Map<String, byte[]> entries, String message) {
    DetectionZips.assertRefused(store, () -> upload(entries), message);
  }


  @Test
  void refusesLooseFiles() {
    given().auth().oauth2(TestServers.ACME).multiPart("kind", "coco").multiPart("file", "instances_train.json", text(TRAIN))
        .post("/api/v1/datasets").then().statusCode(400).body("errors[0].field", equalTo("file"))
        .body("errors[0].message", equalTo("a coco dataset is uploaded as one zip of its folder (annotations/, images/), got [instances_train.json]"));
  }

  private static Arguments bad(String name, Consumer<Map<String, byte[]>> change, String message) {
    return DetectionZips.bad(name, CocoUploadTest::layout, change, message);
  }


  /** Two training pictures and one validation picture, each with one box; categories 3 (cat) and 7 (dog). */
  static Map<String, byte[]> layout() {
    Map<String, byte[]> e = new LinkedHashMap<>();
    e.put("annotations/instances_train.json", text(TRAIN));
    e.put("annotations/instances_val.json", text(VAL));
    e.put("images/train/a.png", Fixtures.png(0x00ff00));
    e.put("images/train/b.png", Fixtures.png(0xff0000));
    e.put("images/val/c.png", Fixtures.png(0x0000ff));
    return e;
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Response upload(Map<String, byte[]> entries) {
    return DetectionZips.upload("coco", "coco.zip", entries);
  }

}
