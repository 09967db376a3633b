package dev.topiary.gateway.fuzz;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Refusals;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.store.ArtifactStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP fuzz: every case of {@link FuzzCases} (50 by default; {@code -Dtopiary.fuzz.cases=N},
 * {@code -Dtopiary.fuzz.seed=S}, {@code -Dtopiary.fuzz.only=#17}) answers 4xx, never 5xx, within a
 * minute, with an error body whose messages are not blank, name no server path, and include one
 * on the field or part at fault; and leaves nothing new in the store. Afterwards the gateway is
 * still live. Prints one summary line per category.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FuzzTest {
  private static final int TIMEOUT_MS = 60_000;
  /** Per category: cases, 4xx, 5xx, other statuses, cases that left something stored. */
  private static final Map<String, int[]> SUMMARY = new TreeMap<>();

  @Inject
  ArtifactStore store;

  static Stream<FuzzCase> cases() {
    return FuzzCases.fromProperties().stream();
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesWithAFieldMessageAndStoresNothing(FuzzCase c) {
    String context = "[fuzz case '" + c.name() + "', reproduce with -D" + FuzzCases.SEED + "=" + FuzzCases.seed() + " -D" + FuzzCases.CASES
        + "=" + Integer.getInteger(FuzzCases.CASES, FuzzCases.DEFAULT_CASES) + " -D" + FuzzCases.ONLY + "='" + c.name().split(" ")[0]
        + " '] ";
    List<String> before = Refusals.stored(store);
    Response r = send(c.request());
    List<String> after = Refusals.stored(store);
    int[] s = SUMMARY.computeIfAbsent(c.category(), k -> new int[5]);
    s[0]++;
    s[r.statusCode() >= 500 ? 2 : r.statusCode() >= 400 ? 1 : 3]++;
    s[4] += before.equals(after) ? 0 : 1;

    assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, context + "expected a 4xx, got " + r.statusCode() + ": " + r.asString());
    List<Map<String, String>> errors = Refusals.errors(r, context);
    assertTrue(errors.stream().anyMatch(e -> c.names(e.get("field"))),
        context + "expected an error on " + (c.fields().isEmpty() ? "any field" : c.fields()) + ", got " + errors);
    assertEquals(before, after, context + "something was stored");
  }

  @Order(2)
  @Test
  void isStillLiveAfterEveryCase() {
    given().get("/q/health/live").then().statusCode(200);
  }

  @AfterAll
  static void summary() {
    SUMMARY.forEach((category, s) -> System.out.printf(
        "fuzz http seed=%d %-10s cases=%d (of %d systematic) 4xx=%d 5xx=%d other=%d stored-leftovers=%d%n",
        FuzzCases.seed(), category, s[0], FuzzCases.systematicCount(category), s[1], s[2], s[3], s[4]));
  }

  private static Response send(FuzzCase.Request request) {
    RequestSpecification spec = given().config(RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
        .setParam("http.socket.timeout", TIMEOUT_MS).setParam("http.connection.timeout", TIMEOUT_MS))).auth().oauth2(TestServers.ACME);
    if (request instanceof FuzzCase.Spec s) {
      return spec.contentType(s.contentType()).body(s.body()).post("/api/v1/jobs");
    }
    FuzzCase.Upload u = (FuzzCase.Upload) request;
    for (FuzzCase.Part p : u.parts()) {
      spec = p.fileName() == null ? spec.multiPart(p.name(), new String(p.content(), java.nio.charset.StandardCharsets.UTF_8))
          : spec.multiPart(p.name(), p.fileName(), p.content(), "application/octet-stream");
    }
    return spec.post(u.path());
  }
}
