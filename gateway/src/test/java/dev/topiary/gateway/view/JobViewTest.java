package dev.topiary.gateway.view;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Bus;
import dev.topiary.gateway.EventScript;
import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.Jobs;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.plan.PlanJson;
import dev.topiary.pipeline.store.ArtifactStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** The job view over the real broker: progress, figures, report, download, duplicates, and a restart replaying the topics. */
@QuarkusTest
class JobViewTest {
  @Inject
  ArtifactStore store;

  @Inject
  JobView view;

  @Test
  void showsProgressThenTheCompletedJobWithFiguresReportAndModel() throws IOException {
    Jobs.Submitted job = Jobs.submit(store, TestServers.ACME, "view-progress");
    EventScript script = new EventScript(store, job.event(), job.plan());
    // plan: 1 train-baseline (1 epoch), 2 evaluate, 3 rank, 4 prune, 5 finetune (2 epochs), 6 evaluate
    Bus.publish(script.steps(1, 3).toArray(PipelineEvent[]::new));
    JsonPath running = Jobs.awaitJob(TestServers.ACME, job.id(), j -> j.getInt("stepsDone") == 3);
    assertEquals("running", running.getString("state"));
    assertEquals(4, running.getInt("currentStep.index"));
    assertEquals("prune", running.getString("currentStep.kind"));
    assertEquals("train-baseline", running.getString("timeline[0].kind"));
    assertEquals(10_000L, running.getLong("timeline[0].durationMs"));
    assertEquals(10_000L, running.getLong("timeline[2].durationMs"));
    assertEquals(0.86f, running.getFloat("evaluations[0].top1"));

    List<PipelineEvent> rest = script.steps(4, 6);
    Bus.publish(rest.toArray(PipelineEvent[]::new));
    Bus.publish(rest.get(1)); // a redelivered epoch changes nothing
    JsonPath done = Jobs.awaitJob(TestServers.ACME, job.id(), j -> j.getString("state").equals("completed"));
    assertEquals(6, done.getInt("stepsDone"));
    assertEquals(null, (Object) done.get("currentStep"));
    assertEquals(3, done.getList("epochs").size(), "1 baseline epoch + 2 fine-tuning epochs, no duplicate");
    assertEquals(List.of("conv1", "conv2", "fc1"), done.getList("channels.group"));
    assertEquals(List.of(6, 16, 120), done.getList("channels.before"));
    assertEquals(List.of(3, 8, 60), done.getList("channels.after"));
    assertEquals(List.of(2, 6), done.getList("evaluations.step"), "baseline and final evaluation, in step order");
    assertEquals((int) EventScript.PRUNED_PARAMS, done.getInt("evaluations[1].params"));
    // the fields the Grafana job-detail dashboard reads (deploy/README.md)
    assertEquals(List.of(1, 5, 5), done.getList("epochs.step"));
    assertEquals(List.of(1, 1, 2), done.getList("epochs.epoch"));
    assertEquals(0.2f, done.getFloat("evaluations[1].latency[0].medianMs"));
    assertEquals(List.of("djl", "djl", "onnxruntime", "onnxruntime"), done.getList("evaluations[1].latency.runtime"));
    assertEquals(1.0f, done.getFloat("evaluations[1].latency[3].medianMs"));
    assertEquals(0.05f, done.getFloat("epochs[0].learningRate"));
    assertEquals(6, done.getList("timeline").size());

    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("topiary_jobs_completed_total") && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 1),
        "a completion seen live is counted");
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("topiary_jobs{state=\"completed\"}") && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 1),
        "the jobs gauge counts the completed job");

    given().auth().oauth2(TestServers.ACME).accept("application/json").get("/api/v1/jobs/" + job.id() + "/report")
        .then().statusCode(200).body("pruned.top1", equalTo(0.84f)).body("baseline.top1", equalTo(0.86f))
        .body("comparison.paramsRemaining", equalTo((float) ((double) EventScript.PRUNED_PARAMS / EventScript.BASELINE_PARAMS)))
        .body("latency[1].batchSize", equalTo(32)).body("latency[1].speedup", equalTo(2.5f))
        .body("latency.runtime", equalTo(List.of("djl", "djl", "onnxruntime", "onnxruntime")))
        .body("latency[2].batchSize", equalTo(1)).body("latency[2].baselineMs", equalTo(0.5f)).body("latency[2].speedup", equalTo(2.0f))
        .body("latency[3].batchSize", equalTo(32)).body("latency[3].prunedMs", equalTo(1.0f)).body("latency[3].speedup", equalTo(4.0f));
    given().auth().oauth2(TestServers.ACME).accept("text/html").get("/api/v1/jobs/" + job.id() + "/report")
        .then().statusCode(200).contentType(containsString("text/html"))
        .body(containsString("<svg id=\"channels\""), containsString("<svg id=\"epochs\""), containsString("<polyline class=\"acc\""),
            containsString("<td>parameters</td><td>61,706</td><td>15,000</td><td>-75.7%</td>"),
            containsString("<td>top-1 accuracy</td><td>86.00%</td><td>84.00%</td><td>-2.00 pt</td>"), containsString("<td>cpu</td><td>DJL</td><td>32</td><td>5.000</td><td>2.000</td><td>2.50x</td>"),
            containsString("<td>cpu</td><td>ONNX Runtime</td><td>32</td><td>4.000</td><td>1.000</td><td>4.00x</td>"),
            containsString("<svg id=\"latency-chart\""), containsString("<g class=\"series\" id=\"latency-djl\">"),
            containsString("<g class=\"series\" id=\"latency-onnxruntime\">"), containsString("<rect class=\"after onnxruntime\""),
            containsString("4.00 -&gt; 1.00 ms (4.00x)"));

    byte[] zip = given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs/" + job.id() + "/model")
        .then().statusCode(200).contentType("application/zip").extract().asByteArray();
    Map<String, byte[]> files = unzip(zip);
    assertArrayEquals(Fixtures.lenetGraphJson(), files.get("graph.json"));
    assertArrayEquals(Fixtures.lenetWeights(), files.get("weights.safetensors"));

    given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs?state=completed&size=200")
        .then().statusCode(200).body("items.id", org.hamcrest.Matchers.hasItem(job.id()));
    given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs?state=running&size=200")
        .then().statusCode(200).body("items.id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(job.id())));
  }

  @Test
  void aRestartedViewReplaysTheTopicsToTheSameState() {
    Jobs.Submitted job = Jobs.submit(store, TestServers.ACME, "view-restart");
    EventScript script = new EventScript(store, job.event(), job.plan());
    Bus.publish(script.steps(1, 4).toArray(PipelineEvent[]::new));
    Jobs.awaitJob(TestServers.ACME, job.id(), j -> j.getInt("stepsDone") == 4);

    JobView restarted = new JobView(ref -> PlanJson.fromBytes(store.getBytes(ref)));
    try (EventTail tail = new EventTail(Bus.bootstrap(), restarted)) {
      tail.start();
      await().atMost(Duration.ofSeconds(30)).until(tail::caughtUp);
      JobDetails before = view.snapshot().get(job.id());
      JobDetails after = restarted.snapshot().get(job.id());
      assertNotNull(after, "the replayed view knows the job");
      assertEquals(before, after);
      assertEquals("running", after.state());
      assertEquals(4, after.stepsDone());
      assertEquals("acme", after.tenant());
      assertEquals(view.list("acme", null, 0, 1000).total(), restarted.list("acme", null, 0, 1000).total());
    }
  }

  @Test
  void pagesTheCallersJobsNewestFirst() {
    for (int i = 0; i < 3; i++) {
      Jobs.submit(store, TestServers.GLOBEX, "paged-" + i);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> view.list("globex", null, 0, 100).total() >= 3);
    long total = view.list("globex", null, 0, 100).total();
    JsonPath page0 = given().auth().oauth2(TestServers.GLOBEX).get("/api/v1/jobs?page=0&size=2").then().statusCode(200).extract().jsonPath();
    JsonPath page1 = given().auth().oauth2(TestServers.GLOBEX).get("/api/v1/jobs?page=1&size=2").then().statusCode(200).extract().jsonPath();
    assertEquals(2, page0.getList("items").size());
    assertEquals(total, page0.getLong("total"));
    assertTrue(page0.getString("items[0].submittedAt").compareTo(page0.getString("items[1].submittedAt")) >= 0);
    assertTrue(page1.getList("items").stream().noneMatch(page0.getList("items")::contains));
    given().auth().oauth2(TestServers.GLOBEX).get("/api/v1/jobs?state=sleeping").then().statusCode(400)
        .body("errors[0].field", equalTo("state"));
    given().auth().oauth2(TestServers.GLOBEX).get("/api/v1/jobs?size=0").then().statusCode(400).body("errors[0].field", equalTo("size"));
  }

  private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }
}
