package dev.topiary.gateway.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Bus;
import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.GatewayConfigs;
import dev.topiary.gateway.TestServers;
import dev.topiary.gateway.submit.JobRequestConsumer;
import dev.topiary.pipeline.event.JobRejected;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.store.ArtifactStore;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The rate limits through the real gateway, on a clock the test moves ({@link QuarkusMock} puts a
 * {@link TenantRateLimits} of the test's own figures in place for one test): 429 with
 * {@code Retry-After} past the burst, refill, tenants independent, refused submissions keeping
 * their token, the job-request topic answered with a retry hint, uploads on their own budget, and
 * the limits off.
 */
@QuarkusTest
class RateLimitTest {
  private static final byte[] SPEC = Fixtures.lenetSpecYaml("limited").getBytes(StandardCharsets.UTF_8);
  private static final byte[] BAD_SPEC = Fixtures.lenetSpecYaml("limited").replace("lenet5", "lenet6").getBytes(StandardCharsets.UTF_8);

  private static final Logger LOG = Logger.getLogger(RateLimitTest.class);

  @Inject
  ArtifactStore store;

  @TestHTTPResource("/")
  URL base;

  private final AtomicLong clock = new AtomicLong();

  private void limits(boolean enabled, int submissionsPerMinute, int submissionBurst, int uploadsPerMinute, int uploadBurst) {
    QuarkusMock.installMockForType(new TenantRateLimits(GatewayConfigs.rateLimit(enabled, submissionsPerMinute, submissionBurst,
        uploadsPerMinute, uploadBurst), clock::get), TenantRateLimits.class);
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  private static int submit(String token, byte[] spec) {
    return given().auth().oauth2(token).contentType("application/yaml").body(spec).post("/api/v1/jobs").statusCode();
  }

  @Test
  void answers429WithRetryAfterPastTheBurstAndAdmitsAgainOnceRefilled() {
    limits(true, 6, 2, 60, 20); // a token every 10 s
    assertEquals(201, submit(TestServers.ACME, SPEC));
    assertEquals(201, submit(TestServers.ACME, SPEC));
    int jobsBefore = store.list("jobs/").size();
    given().auth().oauth2(TestServers.ACME).contentType("application/yaml").body(SPEC).post("/api/v1/jobs").then().statusCode(429)
        .header("Retry-After", "10").contentType("application/json")
        .body("errors[0].field", equalTo("rate-limit"))
        .body("errors[0].message", equalTo("tenant acme is over its limit of 6 job submissions per minute (bursts of 2); retry in 10 s"));
    assertEquals(429, submit(TestServers.ACME, BAD_SPEC), "the rate is checked before the spec is read");
    assertEquals(jobsBefore, store.list("jobs/").size(), "a 429 stores nothing");
    assertEquals(201, submit(TestServers.GLOBEX, SPEC), "another tenant is admitted at once");

    advance(Duration.ofSeconds(4));
    given().auth().oauth2(TestServers.ACME).contentType("application/yaml").body(SPEC).post("/api/v1/jobs").then().statusCode(429)
        .header("Retry-After", "6");
    advance(Duration.ofSeconds(6));
    assertEquals(400, submit(TestServers.ACME, BAD_SPEC));
    assertEquals(201, submit(TestServers.ACME, SPEC), "a refused spec gave its token back");
    assertEquals(429, submit(TestServers.ACME, SPEC));
    given().get("/q/metrics").then().statusCode(200)
        .body(containsString("topiary_gateway_submissions_total{outcome=\"limited\",source=\"rest\"}"));
  }

  @Test
  void turnedOffNeverAnswers429() {
    limits(false, 1, 1, 1, 1);
    for (int i = 0; i < 4; i++) {
      assertEquals(201, submit(TestServers.ACME, SPEC));
    }
  }

  @Test
  void aJobRequestOverTheLimitIsRejectedWithARetryHintAndAcceptedWhenSentAgain() {
    limits(true, 1, 1, 60, 20);
    assertEquals(201, submit(TestServers.ACME, SPEC));
    String requestId = "limited-" + UUID.randomUUID();
    Bus.send(Topics.JOB_REQUESTS, requestId, SPEC, "authorization", "Bearer " + TestServers.ACME, "content-type", "application/yaml");
    JobRejected rejected = JobRejected.fromJson(new String(Bus.find(Topics.JOB_REJECTED, v -> v.contains(requestId),
        Duration.ofSeconds(30)).orElseThrow().value(), StandardCharsets.UTF_8));
    assertEquals("acme", rejected.tenant());
    assertEquals(List.of(new JobRejected.FieldError("rate-limit",
        "tenant acme is over its limit of 1 job submissions per minute (bursts of 1); retry in 60 s")), rejected.errors());
    assertTrue(Bus.find(Topics.JOB_SUBMITTED, v -> v.contains(requestId), Duration.ofSeconds(1)).isEmpty());

    advance(Duration.ofSeconds(60));
    Bus.send(Topics.JOB_REQUESTS, requestId, SPEC, "authorization", "Bearer " + TestServers.ACME, "content-type", "application/yaml");
    String submitted = new String(Bus.find(Topics.JOB_SUBMITTED, v -> v.contains(requestId), Duration.ofSeconds(30)).orElseThrow().value(),
        StandardCharsets.UTF_8);
    assertTrue(submitted.contains(JobRequestConsumer.jobIdOf("acme", requestId)), "the same request id, sent again in time, is admitted");
  }

  @Test
  void uploadsHaveTheirOwnBudgetAndARefusedUploadKeepsItsToken() {
    limits(true, 60, 20, 6, 1);
    model(TestServers.ACME, Fixtures.lenetWeights()).then().statusCode(201);
    model(TestServers.ACME, Fixtures.lenetWeights()).then().statusCode(429).header("Retry-After", "10")
        .body("errors[0].field", equalTo("rate-limit"))
        .body("errors[0].message", equalTo("tenant acme is over its limit of 6 uploads per minute (bursts of 1); retry in 10 s"));
    given().auth().oauth2(TestServers.ACME).multiPart("kind", "mnist").multiPart("file", "train-images-idx3-ubyte", Fixtures.idxImages(2))
        .post("/api/v1/datasets").then().statusCode(429);
    assertEquals(201, submit(TestServers.ACME, SPEC), "submissions have their own budget");
    model(TestServers.GLOBEX, Fixtures.lenetWeights()).then().statusCode(201);

    advance(Duration.ofSeconds(10));
    model(TestServers.ACME, Fixtures.lenetWeightsMissing("conv1.weight")).then().statusCode(400);
    model(TestServers.ACME, Fixtures.lenetWeights()).then().statusCode(201);
    model(TestServers.ACME, Fixtures.lenetWeights()).then().statusCode(429);
  }

  private static io.restassured.response.Response model(String token, byte[] weights) {
    RequestSpecification r = given().auth().oauth2(token).multiPart("graph.json", "g.json", Fixtures.lenetGraphJson(), "application/json")
        .multiPart("weights.safetensors", "w.safetensors", weights, "application/octet-stream");
    return r.post("/api/v1/models");
  }

  @Test
  void oneTenantsBurstIsCutAtItsLimitWhileAnotherIsAdmittedAtOnce() throws Exception {
    limits(true, 1, 5, 60, 20);
    Submissions s = Submissions.atOnce(base.toURI(), 12, 2);
    assertEquals(5, s.count("a", 201), s.statusesByTenant().toString());
    assertEquals(7, s.count("a", 429), s.statusesByTenant().toString());
    assertEquals(List.of(201, 201), s.statusesByTenant().get("b"), "the small tenant's submissions are admitted at once");
  }

  /**
   * The figures of the design notes: 80 submissions of tenant A (acme) and 2 of tenant B (globex)
   * at the same moment, without the limit and with the default one (60 a minute, bursts of 20; the
   * clock stands still, so that no token comes back during the run). B's wait at admission is the
   * time until its 201. Without the limit every one of A's 80 is admitted, and the stages then hold
   * them ahead of B's; with it, 20 are, and the rest are answered 429 before any work.
   */
  @Test
  void measuresTheSmallTenantsWaitAtAdmissionBesideABurst() throws Exception {
    limits(false, 60, 20, 60, 20);
    Submissions off = Submissions.atOnce(base.toURI(), 80, 2);
    limits(true, 60, 20, 60, 20);
    Submissions on = Submissions.atOnce(base.toURI(), 80, 2);
    LOG.infof("80 submissions of A and 2 of B at once, without a limit: A %d admitted (%s), B %d admitted (%s)", off.count("a", 201),
        off.waits("a", 201), off.count("b", 201), off.waits("b", 201));
    LOG.infof("the same with 60 a minute, bursts of 20: A %d admitted (%s), %d refused (%s), B %d admitted (%s)", on.count("a", 201),
        on.waits("a", 201), on.count("a", 429), on.waits("a", 429), on.count("b", 201), on.waits("b", 201));
    assertEquals(80, off.count("a", 201));
    assertEquals(2, off.count("b", 201));
    assertEquals(20, on.count("a", 201));
    assertEquals(60, on.count("a", 429));
    assertEquals(2, on.count("b", 201));
  }
}
