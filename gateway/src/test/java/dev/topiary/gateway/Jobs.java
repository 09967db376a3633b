package dev.topiary.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanJson;
import dev.topiary.pipeline.store.ArtifactStore;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/** Submitting a job through REST and waiting on the view, for the tests. */
public final class Jobs {
  /** A submitted job: the event the gateway published and the plan it stored. */
  public record Submitted(String id, JobSubmitted event, JobPlan plan) {}

  private Jobs() {}

  /** Submits the LeNet-5 spec for the token's tenant; returns once its JobSubmitted is on the topic. */
  public static Submitted submit(ArtifactStore store, String token, String name) {
    String id = given().auth().oauth2(token).contentType("application/yaml")
        .body(Fixtures.lenetSpecYaml(name).getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/jobs").then().statusCode(201).extract().path("jobId");
    JobSubmitted event = (JobSubmitted) EventCodec.fromBytes(
        Bus.find(Topics.JOB_SUBMITTED, v -> v.contains(id), Duration.ofSeconds(20)).orElseThrow().value());
    return new Submitted(id, event, PlanJson.fromBytes(store.getBytes(event.plan())));
  }

  /** Waits until {@code GET /api/v1/jobs/{id}} satisfies the predicate; returns that answer. */
  public static JsonPath awaitJob(String token, String id, Predicate<JsonPath> until) {
    JsonPath[] last = new JsonPath[1];
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      var r = given().auth().oauth2(token).get("/api/v1/jobs/" + id);
      if (r.statusCode() != 200) {
        return false;
      }
      last[0] = r.jsonPath();
      return until.test(last[0]);
    });
    return last[0];
  }
}
