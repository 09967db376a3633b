package dev.topiary.gateway.view;

import static org.awaitility.Awaitility.await;
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

/** {@code GET /api/v1/jobs/{id}/events}: the events so far, then live ones, then the end of the stream when the job ends. */
@QuarkusTest
class JobEventsStreamTest {
  private static final Pattern EVENT = Pattern.compile("^event:\\s*(\\w+)");

  @TestHTTPResource("/")
  URL base;

  @Inject
  ArtifactStore store;

  @Test
  void replaysThenFollowsLiveAndEndsWithTheJob() throws Exception {
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
}
