package dev.topiary.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.Jobs;
import dev.topiary.gateway.TestServers;
import dev.topiary.gateway.view.JobView;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bearer tokens map to tenants; a tenant sees only its own jobs; health and OpenAPI stay open. */
@QuarkusTest
class TenancyTest {
  @Inject
  ArtifactStore store;

  @Inject
  JobView view;

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
  void healthMetricsAndOpenApiNeedNoToken() {
    given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/openapi?format=json").then().statusCode(200).body("paths", org.hamcrest.Matchers.hasKey("/api/v1/jobs"))
        .body("components.securitySchemes", org.hamcrest.Matchers.hasKey("bearer"));
    given().get("/q/metrics").then().statusCode(200);
  }
}
