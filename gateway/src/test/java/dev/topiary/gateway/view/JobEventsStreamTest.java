package dev.topiary.gateway.view;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Bus;
import dev.topiary.gateway.EventScript;
import dev.topiary.gateway.Jobs;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.store.ArtifactStore;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/jobs/{id}/events}: the events so far, then live ones, then the end of the
 * stream when the job ends; each event with its position as id, and a stream resumed from the
 * {@code Last-Event-ID} a client last processed.
 */
@QuarkusTest
class JobEventsStreamTest {
  private static final Pattern EVENT = Pattern.compile("^event:\\s*(\\w+)");

  @TestHTTPResource("/")
  URL base;

  @Inject
  ArtifactStore store;

  @Inject
  JobView view;

  @Test
  void replaysThenFollowsLiveAndEndsWithTheJob() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(view::caughtUp);
    Jobs.Submitted job = Jobs.submit(store, TestServers.ACME, "streamed");
    EventScript script = new EventScript(store, job.event(), job.plan());
    Bus.publish(script.steps(1, 1).toArray(PipelineEvent[]::new)); // train-baseline: 1 epoch
    Jobs.awaitJob(TestServers.ACME, job.id(), j -> j.getInt("stepsDone") == 1);

    List<String> names = new CopyOnWriteArrayList<>();
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/v1/jobs/" + job.id() + "/events"))
        .header("Authorization", "Bearer " + TestServers.ACME).header("Accept", "text/event-stream").build();
    HttpClient client = HttpClient.newHttpClient();
    CompletableFuture<Integer> ended = client.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApply(r -> {
      r.body().forEach(line -> {
        Matcher m = EVENT.matcher(line);
        if (m.find()) {
          names.add(m.group(1));
        }
      });
      return r.statusCode();
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> names.size() >= 2);
    assertEquals(List.of("JobSubmitted", "EpochTuned"), names, "replay of what happened so far");
    assertTrue(!ended.isDone(), "the stream stays open while the job runs");

    Bus.publish(script.steps(2, 2).toArray(PipelineEvent[]::new));
    Bus.publish(new JobFailed(job.id(), 3, 1, Instant.now(), Stage.RANK, "InvalidPruningConfigException", "group conv1: nothing to cut"));
    assertEquals(200, ended.get(30, TimeUnit.SECONDS));
    assertEquals(List.of("JobSubmitted", "EpochTuned", "ModelEvaluated", "JobFailed"), names);
    assertTrue(EventCodec.toJson(job.event()).contains(job.id()));
  }

  @Test
  void aStreamResumedWithLastEventIdSendsExactlyTheEventsAfterItThenTheLiveOnes() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(view::caughtUp);
    Jobs.Submitted job = Jobs.submit(store, TestServers.ACME, "resumed");
    EventScript script = new EventScript(store, job.event(), job.plan());
    // plan: 1 train-baseline (1 epoch), 2 evaluate, 3 rank, 4 prune, 5 finetune (2 epochs), 6 evaluate
    Bus.publish(script.steps(1, 3).toArray(PipelineEvent[]::new));
    Jobs.awaitJob(TestServers.ACME, job.id(), j -> j.getInt("stepsDone") == 3);

    List<String> first = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> whole = stream(job.id(), null, first);
    await().atMost(Duration.ofSeconds(20)).until(() -> first.size() >= 4);
    assertEquals(List.of("0.1.0.JobSubmitted", "1.1.1.EpochTuned", "2.1.0.ModelEvaluated", "3.1.0.RankComputed"), first,
        "every event with its position as id, in the job's order");
    whole.cancel(true);

    List<String> resumed = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> ended = stream(job.id(), "1.1.1.EpochTuned", resumed);
    await().atMost(Duration.ofSeconds(20)).until(() -> resumed.size() >= 2);
    assertEquals(List.of("2.1.0.ModelEvaluated", "3.1.0.RankComputed"), resumed, "only what came after the last event processed");
    Bus.publish(script.steps(4, 6).toArray(PipelineEvent[]::new));
    assertEquals(200, ended.get(30, TimeUnit.SECONDS));
    assertEquals(List.of("2.1.0.ModelEvaluated", "3.1.0.RankComputed", "4.1.0.LayerPruned", "5.1.1.EpochTuned", "5.1.2.EpochTuned",
        "6.1.0.ModelEvaluated"), resumed, "then the live ones, once each, and the end with the job");

    List<String> afterTheEnd = new CopyOnWriteArrayList<>();
    assertEquals(200, stream(job.id(), "6.1.0.ModelEvaluated", afterTheEnd).get(30, TimeUnit.SECONDS));
    assertEquals(List.of(), afterTheEnd, "nothing after the last event of an ended job: the stream just ends");

    given().auth().oauth2(TestServers.ACME).header("Last-Event-ID", "the-third-one").accept("text/event-stream")
        .get("/api/v1/jobs/" + job.id() + "/events").then().statusCode(400).body("errors[0].field", equalTo("Last-Event-ID"));
  }

  /** Follows a job's stream in the background, adding each event's id to {@code ids}; completes with the status when it ends. */
  private CompletableFuture<Integer> stream(String jobId, String lastEventId, List<String> ids) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "api/v1/jobs/" + jobId + "/events"))
        .header("Authorization", "Bearer " + TestServers.ACME).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return HttpClient.newHttpClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()).thenApply(r -> {
      r.body().filter(line -> line.startsWith("id:")).forEach(line -> ids.add(line.substring(3).strip()));
      return r.statusCode();
    });
  }
}
