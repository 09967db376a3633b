package dev.topiary.gateway.submit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Bus;
import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.Jobs;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobRejected;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The job-requests topic: validated exactly as REST, answered with JobSubmitted or JobRejected carrying the same field messages. */
@QuarkusTest
class JobRequestTest {
  @Inject
  ArtifactStore store;

  @Test
  void acceptsARequestAndAnswersWithJobSubmittedCarryingTheRequestId() {
    String requestId = "train-run-" + UUID.randomUUID();
    Bus.send(Topics.JOB_REQUESTS, requestId, Fixtures.lenetSpecYaml("from-kafka").getBytes(StandardCharsets.UTF_8),
        "authorization", "Bearer " + TestServers.ACME, "content-type", "application/yaml");
    JobSubmitted submitted = (JobSubmitted) EventCodec.fromBytes(Bus.find(Topics.JOB_SUBMITTED, v -> v.contains(requestId),
        Duration.ofSeconds(30)).orElseThrow().value());
    assertEquals(JobRequestConsumer.jobIdOf("acme", requestId), submitted.jobId());
    assertEquals("acme", submitted.tenant());
    assertEquals(requestId, submitted.requestId());
    assertEquals(6, submitted.totalSteps());
    assertTrue(store.exists(Keys.plan(submitted.jobId())));
    Jobs.awaitJob(TestServers.ACME, submitted.jobId(), j -> j.getString("name").equals("from-kafka"));
  }

  @Test
  void rejectsABadSpecWithTheSameFieldMessagesAsRest() {
    String spec = Fixtures.lenetSpecJson("bad-request").replace("\"globalRatio\": 0.5", "\"globalRatio\": 1.5")
        .replace("\"zoo\": \"lenet5\"", "\"zoo\": \"lenet5\", \"colour\": \"red\"");
    List<Map<String, String>> rest = given().auth().oauth2(TestServers.ACME).contentType("application/json").body(spec)
        .post("/api/v1/jobs").then().statusCode(400).extract().jsonPath().getList("errors");
    assertEquals(2, rest.size(), rest.toString());

    String requestId = "bad-" + UUID.randomUUID();
    int jobsBefore = store.list("jobs/").size();
    Bus.send(Topics.JOB_REQUESTS, requestId, spec.getBytes(StandardCharsets.UTF_8), "authorization", "Bearer " + TestServers.ACME);
    JobRejected rejected = JobRejected.fromJson(new String(Bus.find(Topics.JOB_REJECTED, v -> v.contains(requestId),
        Duration.ofSeconds(30)).orElseThrow().value(), StandardCharsets.UTF_8));
    assertEquals("acme", rejected.tenant());
    assertEquals(rest.stream().map(e -> new JobRejected.FieldError(e.get("field"), e.get("message"))).toList(), rejected.errors());
    assertEquals(jobsBefore, store.list("jobs/").size(), "a rejected request stores nothing");
  }

  @Test
  void rejectsARequestWithoutAValidToken() {
    String requestId = "anonymous-" + UUID.randomUUID();
    Bus.send(Topics.JOB_REQUESTS, requestId, Fixtures.lenetSpecJson("anonymous").getBytes(StandardCharsets.UTF_8));
    JobRejected rejected = JobRejected.fromJson(new String(Bus.find(Topics.JOB_REJECTED, v -> v.contains(requestId),
        Duration.ofSeconds(30)).orElseThrow().value(), StandardCharsets.UTF_8));
    assertEquals(null, rejected.tenant());
    assertEquals(List.of(new JobRejected.FieldError("authorization", "missing: add header 'authorization: Bearer <token>'")),
        rejected.errors());
    assertTrue(Bus.find(Topics.JOB_SUBMITTED, v -> v.contains(requestId), Duration.ofSeconds(2)).isEmpty());
  }

  @Test
  void aRedeliveredRequestRepublishesTheSameJobInsteadOfStartingAnother() {
    String requestId = "twice-" + UUID.randomUUID();
    byte[] spec = Fixtures.lenetSpecJson("twice").getBytes(StandardCharsets.UTF_8);
    Bus.send(Topics.JOB_REQUESTS, requestId, spec, "authorization", "Bearer " + TestServers.GLOBEX);
    Bus.find(Topics.JOB_SUBMITTED, v -> v.contains(requestId), Duration.ofSeconds(30)).orElseThrow();
    Bus.send(Topics.JOB_REQUESTS, requestId, spec, "authorization", "Bearer " + TestServers.GLOBEX);
    String jobId = JobRequestConsumer.jobIdOf("globex", requestId);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count(requestId) == 2);
    assertEquals(List.of(Keys.plan(jobId)), store.list(Keys.job(jobId)));
    given().auth().oauth2(TestServers.GLOBEX).get("/api/v1/jobs?size=200").then().statusCode(200)
        .body("items.findAll { it.id == '" + jobId + "' }.size()", org.hamcrest.Matchers.equalTo(1));
  }

  private static long count(String requestId) {
    long[] n = new long[1];
    Bus.find(Topics.JOB_SUBMITTED, v -> {
      if (v.contains(requestId)) {
        n[0]++;
      }
      return false;
    }, Duration.ofSeconds(2));
    return n[0];
  }
}
