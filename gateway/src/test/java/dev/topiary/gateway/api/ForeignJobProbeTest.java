package dev.topiary.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.gateway.EventScript;
import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.GatewayConfigs;
import dev.topiary.gateway.auth.CallerTenant;
import dev.topiary.gateway.view.JobView;
import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.Submission;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.testsupport.S3Server;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Probing another tenant's job through every endpoint that takes a job id answers exactly as
 * probing a job that does not exist, and neither touches the store: the store's HTTP client counts
 * every request it sends. The job is acme's and complete (its models really stored, so that acme's
 * own downloads do read the store: the counter's positive control); globex probes it.
 */
class ForeignJobProbeTest {
  private static final AtomicInteger STORE_REQUESTS = new AtomicInteger();
  private static final String JOB = "probed-" + UUID.randomUUID();

  private static S3Server s3;
  private static ArtifactStore store;
  private static JobView view;

  @BeforeAll
  static void completedJobOfAcme() {
    s3 = S3Server.start();
    store = Fixtures.countingStore(s3, STORE_REQUESTS);
    JobPlan plan = Submission.builder().setStore(store).setJobId(JOB).setSpec(JobSpecs.parse(Fixtures.lenetSpecYaml(JOB), JobSpecs.Format.YAML))
        .build().plan();
    ArtifactRef planRef = new ArtifactRef("topiary", "jobs/" + JOB + "/plan.json", "0".repeat(64), 1);
    JobSubmitted submitted = new JobSubmitted(JOB, 0, 1, Instant.parse("2026-12-01T09:00:00Z"), JOB, plan.steps().size(), planRef,
        Artifacts.NONE, "acme", null);
    EventScript script = new EventScript(store, submitted, plan);
    view = new JobView(ref -> {
      throw new AssertionError("the plan is given, never read");
    });
    view.apply(submitted, EventCodec.toJson(submitted), plan);
    for (PipelineEvent e : script.steps(1, plan.steps().size())) {
      view.apply(e, EventCodec.toJson(e));
    }
    view.goLive(() -> {});
  }

  @AfterAll
  static void stop() {
    store.close();
    s3.close();
  }

  /** Every endpoint taking a job id, as the tenant calls it (the resource methods behind the routes). */
  private static Map<String, Function<String, Object>> endpoints(String tenant) {
    CallerTenant caller = new CallerTenant() {
      @Override
      public String get() {
        return tenant;
      }
    };
    JobsResource jobs = new JobsResource();
    jobs.view = view;
    jobs.caller = caller;
    jobs.store = store;
    jobs.config = GatewayConfigs.of(Map.of(), null);
    jobs.json = new ObjectMapper();
    JobEventsResource events = new JobEventsResource();
    events.view = view;
    events.caller = caller;
    JobArtifactsResource artifacts = new JobArtifactsResource();
    artifacts.view = view;
    artifacts.caller = caller;
    artifacts.store = store;
    Map<String, Function<String, Object>> out = new LinkedHashMap<>();
    out.put("GET /jobs/{id}", jobs::get);
    out.put("GET /jobs/{id}/events", id -> events.events(id, null, null));
    out.put("GET /jobs/{id}/report", jobs::report);
    out.put("GET /jobs/{id}/report (html)", id -> jobs.reportHtml(id, true));
    out.put("GET /jobs/{id}/model", id -> jobs.model(id, "onnx", false));
    out.put("GET /jobs/{id}/artifacts", artifacts::list);
    out.put("GET /jobs/{id}/artifacts/{step}/model", id -> artifacts.model(id, "1", "onnx", false));
    out.put("POST /jobs/{id}/cancel", id -> jobs.cancel(id, "{\"reason\": \"probing\"}"));
    return out;
  }

  @Test
  void anotherTenantsJobAnswersAsAMissingOneWithoutAStoreRead() {
    String missing = UUID.randomUUID().toString();
    endpoints("globex").forEach((endpoint, call) -> {
      STORE_REQUESTS.set(0);
      ApiException foreign = assertThrows(ApiException.class, () -> call.apply(JOB), endpoint);
      ApiException absent = assertThrows(ApiException.class, () -> call.apply(missing), endpoint);
      assertEquals(0, STORE_REQUESTS.get(), endpoint + ": store requests");
      assertEquals(404, foreign.status(), endpoint);
      assertEquals(404, absent.status(), endpoint);
      assertEquals(List.of(new ErrorBody.FieldError("id", "job " + JOB + " not found")), foreign.errors(), endpoint);
      assertEquals(withId(absent, missing), withId(foreign, JOB), endpoint + ": the same answer but for the id asked");
    });
  }

  @Test
  void theOwnersDownloadsDoReadTheStore() {
    Map<String, Function<String, Object>> acme = endpoints("acme");
    for (String endpoint : List.of("GET /jobs/{id}/model", "GET /jobs/{id}/artifacts/{step}/model")) {
      STORE_REQUESTS.set(0);
      Response r = (Response) acme.get(endpoint).apply(JOB);
      assertEquals(200, r.getStatus(), endpoint);
      assertTrue(STORE_REQUESTS.get() > 0, endpoint + ": the counter sees the store reads of an ONNX export");
    }
  }

  private static String withId(ApiException e, String id) {
    return e.status() + " " + e.errors().toString().replace(id, "<id>");
  }
}
