package dev.topiary.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Bus;
import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanJson;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/jobs} and {@code POST /api/v1/models}: what a valid submission answers, stores and publishes. */
@QuarkusTest
class JobSubmissionTest {
  @Inject
  ArtifactStore store;

  @Test
  void acceptsAYamlSpecStoresThePlanAndPublishesJobSubmittedWithTheTenant() {
    JsonPath body = given().auth().oauth2(TestServers.ACME).contentType("application/yaml").body(Fixtures.lenetSpecYaml("lenet-yaml").getBytes(StandardCharsets.UTF_8))
        .when().post("/api/v1/jobs")
        .then().statusCode(201).body("jobId", matchesPattern("[a-z0-9-]{1,63}"))
        .body("plan.steps", hasSize(6)).body("plan.steps[0].kind", equalTo("train-baseline"))
        .body("plan.steps[5].kind", equalTo("evaluate")).body("plan.spec.name", equalTo("lenet-yaml"))
        .extract().jsonPath();
    String jobId = body.getString("jobId");
    // read-your-writes: the job is visible at once, before the event tail brings JobSubmitted back
    given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs/" + jobId).then().statusCode(200)
        .body("state", equalTo("submitted")).body("totalSteps", equalTo(6)).body("timeline[0].kind", equalTo("train-baseline"));
    ArtifactRef planRef = store.find(Keys.plan(jobId)).orElseThrow();
    JobPlan stored = PlanJson.fromBytes(store.getBytes(planRef));
    assertEquals(jobId, stored.jobId());
    assertEquals(6, stored.steps().size());

    JobSubmitted event = (JobSubmitted) EventCodec.fromBytes(Bus.find(Topics.JOB_SUBMITTED, v -> v.contains(jobId), Duration.ofSeconds(20))
        .orElseThrow().value());
    assertEquals("acme", event.tenant());
    assertEquals(planRef, event.plan());
    assertEquals(6, event.totalSteps());
    assertEquals(null, event.requestId());
  }

  @Test
  void acceptsTheSameSpecAsJson() {
    given().auth().oauth2(TestServers.ACME).contentType("application/json").body(Fixtures.lenetSpecJson("lenet-json"))
        .when().post("/api/v1/jobs")
        .then().statusCode(201).body("plan.spec.name", equalTo("lenet-json")).body("plan.steps", hasSize(6));
    given().get("/q/metrics").then().statusCode(200)
        .body(org.hamcrest.Matchers.containsString("topiary_gateway_submissions_total{outcome=\"accepted\",source=\"rest\"}"));
  }

  @Test
  void anUploadedModelIsCitedByAStoredGraphSpecAndTravelsInTheSubmission() {
    JsonPath model = given().auth().oauth2(TestServers.ACME)
        .multiPart("graph.json", "my-graph.json", Fixtures.lenetGraphJson(), "application/json")
        .multiPart("weights.safetensors", "w.safetensors", Fixtures.lenetWeights(), "application/octet-stream")
        .when().post("/api/v1/models")
        .then().statusCode(201).body("graph.key", matchesPattern("uploads/acme/models/m-[0-9a-f]{16}/graph.json"))
        .body("weights.key", matchesPattern("uploads/acme/models/m-[0-9a-f]{16}/weights.safetensors"))
        .body("params", equalTo((int) Fixtures.lenet().parameterCount()))
        .extract().jsonPath();
    Map<String, Object> graph = model.getMap("graph");
    Map<String, Object> weights = model.getMap("weights");
    assertTrue(store.exists((String) graph.get("key")));
    assertEquals(Fixtures.lenetGraphJson().length, ((Number) graph.get("size")).longValue());

    String spec = """
        {"name": "uploaded-lenet",
         "model": {"graph": %s, "weights": %s},
         "dataset": {"kind": "fashion-mnist"},
         "prune": {"criterion": "l1", "select": {"globalRatio": 0.25}},
         "schedule": {"mode": "oneshot", "finetune": {"epochs": 1}}}
        """.formatted(json(graph), json(weights));
    String jobId = given().auth().oauth2(TestServers.ACME).contentType("application/json").body(spec)
        .when().post("/api/v1/jobs")
        .then().statusCode(201).body("plan.steps[0].kind", equalTo("evaluate")).extract().path("jobId");
    JobSubmitted event = (JobSubmitted) EventCodec.fromBytes(Bus.find(Topics.JOB_SUBMITTED, v -> v.contains(jobId), Duration.ofSeconds(20))
        .orElseThrow().value());
    assertEquals(graph.get("key"), event.artifacts().model().graph().key());
    assertEquals(weights.get("sha256"), event.artifacts().model().weights().sha256());
  }

  private static String json(Map<String, Object> ref) {
    return new String(("{\"bucket\": \"" + ref.get("bucket") + "\", \"key\": \"" + ref.get("key") + "\", \"sha256\": \""
        + ref.get("sha256") + "\", \"size\": " + ref.get("size") + "}").getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }
}
