package dev.topiary.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.Jobs;
import dev.topiary.gateway.TestServers;
import dev.topiary.gateway.view.JobView;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Bearer tokens map to tenants; a tenant sees only its own jobs, and probing another's answers as
 * probing a missing one; health and OpenAPI stay open.
 */
@QuarkusTest
class TenancyTest {
  private static final Logger LOG = Logger.getLogger(TenancyTest.class);

  @Inject
  ArtifactStore store;

  @Inject
  JobView view;

  @TestHTTPResource("/")
  URL base;

  @Test
  void answers401WithoutAKnownBearerTokenAndStoresNothing() {
    int before = store.list("jobs/").size();
    byte[] spec = Fixtures.lenetSpecYaml("no-token").getBytes(StandardCharsets.UTF_8);
    given().contentType("application/yaml").body(spec).post("/api/v1/jobs").then().statusCode(401)
        .header("WWW-Authenticate", "Bearer realm=\"topiary\"").body("errors[0].field", equalTo("Authorization"))
        .body("errors[0].message", equalTo("missing: send 'Authorization: Bearer <token>'"));
    given().auth().oauth2("not-a-token-of-anyone").contentType("application/yaml").body(spec).post("/api/v1/jobs").then().statusCode(401)
        .body("errors[0].message", equalTo("not a known bearer token"));
    given().auth().preemptive().basic("acme", TestServers.ACME).get("/api/v1/jobs").then().statusCode(401);
    given().get("/api/v1/jobs/anything").then().statusCode(401);
    assertEquals(before, store.list("jobs/").size());
  }

  @Test
  void anotherTenantsJobAnswers404Everywhere() {
    Jobs.Submitted job = Jobs.submit(store, TestServers.ACME, "acme-private");
    await().atMost(Duration.ofSeconds(20)).until(() -> view.find("acme", job.id()).isPresent() && view.caughtUp()); // else /events is a 503
    given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs/" + job.id()).then().statusCode(200).body("tenant", equalTo("acme"));
    for (String path : new String[] {"", "/report", "/model", "/events"}) {
      given().auth().oauth2(TestServers.GLOBEX).get("/api/v1/jobs/" + job.id() + path).then().statusCode(404)
          .body("errors[0].message", equalTo("job " + job.id() + " not found"));
    }
    given().auth().oauth2(TestServers.GLOBEX).post("/api/v1/jobs/" + job.id() + "/cancel").then().statusCode(404);
    assertFalse(store.exists(Keys.cancelled(job.id())), "a foreign cancel wrote no marker");
    given().auth().oauth2(TestServers.GLOBEX).get("/api/v1/jobs?size=200").then().statusCode(200).body("items.id", not(hasItem(job.id())));
    given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs?size=200").then().statusCode(200).body("items.id", hasItem(job.id()));
  }

  @Test
  void eachOfThreeTenantsListsOnlyItsOwnJobs() {
    Map<String, String> tokens = Map.of("acme", TestServers.ACME, "globex", TestServers.GLOBEX, "initech", TestServers.INITECH);
    Map<String, Set<String>> submitted = new HashMap<>();
    for (int i = 0; i < 2; i++) {
      tokens.forEach((tenant, token) -> submitted.computeIfAbsent(tenant, t -> new HashSet<>()).add(given().auth().oauth2(token)
          .contentType("application/yaml").body(Fixtures.lenetSpecYaml("listed-" + tenant).getBytes(StandardCharsets.UTF_8))
          .post("/api/v1/jobs").then().statusCode(201).extract().<String>path("jobId")));
    }
    tokens.forEach((tenant, token) -> {
      for (String state : new String[] {"", "submitted"}) {
        JsonPath page = given().auth().oauth2(token).get("/api/v1/jobs?size=200&state=" + state).then().statusCode(200).extract().jsonPath();
        List<String> listed = page.getList("items.id");
        assertTrue(listed.containsAll(submitted.get(tenant)), tenant + " sees its own jobs");
        submitted.forEach((other, ids) -> {
          if (!other.equals(tenant)) {
            assertTrue(ids.stream().noneMatch(listed::contains), tenant + " sees none of " + other + "'s jobs");
          }
        });
        listed.forEach(id -> assertTrue(view.find(tenant, id).isPresent(), tenant + " listed " + id + ", not its own"));
        long own = view.snapshot().values().stream().filter(d -> tenant.equals(d.tenant())
            && (state.isEmpty() || d.state().equals(state))).count();
        assertEquals(own, page.getLong("total"), tenant + ": total counts its own jobs only");
      }
    });
  }

  /**
   * Every endpoint taking a job id, probed by globex for acme's job and for random missing ids,
   * interleaved: the same status, content type and body but for the id; and about the same time.
   * The structural proof that neither reads the store is {@code ForeignJobProbeTest}; the timing
   * bound here is loose (2x the other median plus 2 ms) and logged, so a loaded machine does not
   * fail it while a path doing more work (a store read, milliseconds) would.
   */
  @Test
  void probingAnotherTenantsJobLooksLikeProbingAMissingOne() throws Exception {
    String job = Jobs.submit(store, TestServers.ACME, "acme-probed").id();
    await().atMost(Duration.ofSeconds(20)).until(view::caughtUp);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Map<String, Function<String, HttpRequest>> probes = new LinkedHashMap<>();
    probes.put("GET", id -> get(id, "", "application/json"));
    probes.put("GET events", id -> get(id, "/events", "text/event-stream"));
    probes.put("GET report", id -> get(id, "/report", "application/json"));
    probes.put("GET report html", id -> get(id, "/report", "text/html"));
    probes.put("GET model", id -> get(id, "/model?format=onnx", "*/*"));
    probes.put("GET artifacts", id -> get(id, "/artifacts", "application/json"));
    probes.put("GET artifacts step model", id -> get(id, "/artifacts/0/model", "*/*"));
    probes.put("POST cancel", id -> request(id, "/cancel").POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"probe\"}"))
        .header("Content-Type", "application/json").build());
    int rounds = 40;
    for (Map.Entry<String, Function<String, HttpRequest>> probe : probes.entrySet()) {
      long[] foreign = new long[rounds];
      long[] missing = new long[rounds];
      for (int i = -5; i < rounds; i++) { // 5 rounds to warm up
        String absent = UUID.randomUUID().toString();
        boolean foreignFirst = (i & 1) == 0;
        Probe a = Probe.send(client, probe.getValue().apply(foreignFirst ? job : absent));
        Probe b = Probe.send(client, probe.getValue().apply(foreignFirst ? absent : job));
        Probe f = foreignFirst ? a : b;
        Probe m = foreignFirst ? b : a;
        assertEquals(404, f.status(), probe.getKey());
        assertEquals(m.shown(absent), f.shown(job), probe.getKey() + ": the same answer but for the id");
        if (i >= 0) {
          foreign[i] = f.nanos();
          missing[i] = m.nanos();
        }
      }
      double f = median(foreign) / 1e6;
      double m = median(missing) / 1e6;
      LOG.infof("%s: median %.2f ms for another tenant's job, %.2f ms for a missing one", probe.getKey(), f, m);
      assertTrue(Math.max(f, m) <= 2 * Math.min(f, m) + 2, probe.getKey() + ": " + f + " ms against " + m + " ms");
    }
    assertFalse(store.exists(Keys.cancelled(job)), "a foreign cancel wrote no marker");
  }

  /** One answer: status, content type and body, and how long it took. */
  private record Probe(int status, String type, String body, long nanos) {
    static Probe send(HttpClient client, HttpRequest request) throws Exception {
      long t0 = System.nanoTime();
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      long nanos = System.nanoTime() - t0;
      return new Probe(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), nanos);
    }

    String shown(String id) {
      return status + " " + type + " " + body.replace(id, "<id>");
    }
  }

  private HttpRequest.Builder request(String id, String path) {
    return HttpRequest.newBuilder(URI.create(base + "api/v1/jobs/" + id + path)).header("Authorization", "Bearer " + TestServers.GLOBEX);
  }

  private HttpRequest get(String id, String path, String accept) {
    return request(id, path).header("Accept", accept).GET().build();
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  @Test
  void healthMetricsAndOpenApiNeedNoToken() {
    given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/openapi?format=json").then().statusCode(200).body("paths", org.hamcrest.Matchers.hasKey("/api/v1/jobs"))
        .body("components.securitySchemes", org.hamcrest.Matchers.hasKey("bearer"));
    given().get("/q/metrics").then().statusCode(200);
  }
}
