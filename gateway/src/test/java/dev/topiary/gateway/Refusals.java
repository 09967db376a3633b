package dev.topiary.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.pipeline.store.ArtifactStore;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What every refusal must be, for the bad-input tests: an error body naming fields with messages, no server path in it, nothing stored. */
public final class Refusals {
  private Refusals() {}

  /** Every key under {@code jobs/} and {@code uploads/}: compare before and after a refused request. */
  public static List<String> stored(ArtifactStore store) {
    List<String> keys = new ArrayList<>(store.list("jobs/"));
    keys.addAll(store.list("uploads/"));
    return keys;
  }

  /**
   * The refusal's errors, asserted to be a non-empty list of entries with a field and a non-blank
   * message that names none of the server's own files (the HTTP layer's temporary upload files, its
   * temporary folder).
   *
   * @param context prefixed to every failure message (the case and how to reproduce it)
   */
  public static List<Map<String, String>> errors(Response r, String context) {
    String body = r.asString();
    assertTrue(body.startsWith("{"), context + "status " + r.statusCode() + " without an error body: '" + body + "'");
    List<Map<String, String>> errors = r.jsonPath().getList("errors");
    assertTrue(errors != null && !errors.isEmpty(), context + "no errors in " + r.asString());
    assertTrue(errors.stream().allMatch(e -> e.get("field") != null && e.get("message") != null && !e.get("message").isBlank()),
        context + "an error without a field or message: " + r.asString());
    String tmp = Path.of(System.getProperty("java.io.tmpdir")).toString();
    assertFalse(errors.stream().anyMatch(e -> e.get("message").contains(tmp) || e.get("message").contains("resteasy-reactive")),
        context + "a server path leaked: " + r.asString());
    return errors;
  }
}
