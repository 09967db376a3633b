package dev.topiary.gateway.upload;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.store.ArtifactStore;
import io.restassured.response.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.params.provider.Arguments;

/** What the YOLO and COCO upload tests share: posting a dataset zip, bad variants of a layout, and the refusal's checks. */
final class DetectionZips {
  private DetectionZips() {}

  /** Posts {@code entries} zipped as a dataset of {@code kind}, as tenant acme. */
  static Response upload(String kind, String fileName, Map<String, byte[]> entries) {
    return given().auth().oauth2(TestServers.ACME).multiPart("kind", kind).multiPart("file", fileName, Fixtures.zip(entries))
        .post("/api/v1/datasets");
  }

  /** A test case: the layout changed by {@code change}, and the message its refusal must contain. */
  static Arguments bad(String name, Supplier<Map<String, byte[]>> layout, Consumer<Map<String, byte[]>> change, String message) {
    Map<String, byte[]> entries = new LinkedHashMap<>(layout.get());
    change.accept(entries);
    return Arguments.of(name, entries, message);
  }

  /** The upload is a 400 with an error on {@code file} containing {@code message}, no server path, and nothing stored. */
  static void assertRefused(ArtifactStore store, Supplier<Response> upload, String message) {
    List<String> before = store.list("uploads/");
    Response r = upload.get();
    assertEquals(400, r.statusCode(), r.asString());
    List<Map<String, String>> errors = r.jsonPath().getList("errors");
    assertFalse(errors.isEmpty(), r.asString());
    assertTrue(errors.stream().anyMatch(e -> e.get("field").equals("file") && e.get("message").contains(message)),
        "expected an error on 'file' containing '" + message + "', got " + errors);
    assertFalse(r.asString().contains("/tmp/topiary-dataset"), "no server path in the answer: " + r.asString());
    assertEquals(before, store.list("uploads/"), "something was stored");
  }
}
