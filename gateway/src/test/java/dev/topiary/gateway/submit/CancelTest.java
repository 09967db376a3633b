package dev.topiary.gateway.submit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.gateway.Bus;
import dev.topiary.gateway.EventScript;
import dev.topiary.gateway.Jobs;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobCancelled;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/jobs/{id}/cancel}: marker first, then JobCancelled; an ended job answers 409. */
@QuarkusTest
class CancelTest {
  @Inject
  ArtifactStore store;

  @Test
  void writesTheMarkerPublishesJobCancelledAndTheViewShowsIt() throws Exception {
    Jobs.Submitted job = Jobs.submit(store, TestServers.ACME, "to-cancel");
    Bus.publish(new EventScript(store, job.event(), job.plan()).steps(1, 2).toArray(PipelineEvent[]::new));
    Jobs.awaitJob(TestServers.ACME, job.id(), j -> j.getInt("stepsDone") == 2);

    given().auth().oauth2(TestServers.ACME).contentType("application/json").body("{\"reason\": \"wrong dataset\"}")
        .post("/api/v1/jobs/" + job.id() + "/cancel").then().statusCode(202)
        .body("marker.key", equalTo(Keys.cancelled(job.id()))).body("event.stepIndex", equalTo(2));
    JsonNode marker = new ObjectMapper().readTree(store.getBytes(store.find(Keys.cancelled(job.id())).orElseThrow()));
    assertEquals("wrong dataset", marker.get("reason").asText());
    assertEquals("acme", marker.get("requestedBy").asText());
    JobCancelled event = (JobCancelled) EventCodec.fromBytes(Bus.find(Topics.JOB_CANCELLED, v -> v.contains(job.id()),
        Duration.ofSeconds(20)).orElseThrow().value());
    assertEquals("wrong dataset", event.reason());
    assertEquals("acme", event.requestedBy());

    Jobs.awaitJob(TestServers.ACME, job.id(), j -> j.getString("state").equals("cancelled"));
    given().auth().oauth2(TestServers.ACME).post("/api/v1/jobs/" + job.id() + "/cancel").then().statusCode(409)
        .body("errors[0].field", equalTo("state")).body("errors[0].message", equalTo("job " + job.id()
            + " is cancelled; only a submitted or running job can be cancelled"));
  }

  @Test
  void refusesAMalformedReasonWithoutWritingAMarker() {
    Jobs.Submitted job = Jobs.submit(store, TestServers.ACME, "cancel-bad-body");
    Jobs.awaitJob(TestServers.ACME, job.id(), j -> j.getString("state").equals("submitted"));
    given().auth().oauth2(TestServers.ACME).contentType("application/json").body("{\"reason\": 7}")
        .post("/api/v1/jobs/" + job.id() + "/cancel").then().statusCode(400).body("errors[0].field", equalTo("reason"));
    assertTrue(!store.exists(Keys.cancelled(job.id())));
  }
}
