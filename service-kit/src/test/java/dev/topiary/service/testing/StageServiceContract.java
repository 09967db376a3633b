package dev.topiary.service.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.stage.StageRunner;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.testsupport.BadRecords;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What every stage service must do, whatever its stage: a {@code @QuarkusTest} per service extends
 * this (with the kit's broker and S3 test resources) and adds the tests of its own steps. The tests
 * here check the wiring of the running app: dead letters, health, metrics, the runner's stage.
 */
public abstract class StageServiceContract {
  protected static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  protected static EventBus bus;
  protected static Path work;

  @Inject protected ArtifactStore store;
  @Inject protected StageRunner runner;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  protected String bootstrap;

  @TestHTTPResource("/q/metrics")
  URL metrics;

  @TestHTTPResource("/q/health/ready")
  URL ready;

  /** The stage this service runs. */
  protected abstract Stage stage();

  @BeforeAll
  static void makeWorkFolder() throws IOException {
    work = Files.createTempDirectory("stage-service-test");
  }

  @AfterAll
  static void closeBus() {
    if (bus != null) {
      bus.close();
      bus = null;
    }
  }

  protected EventBus bus() {
    if (bus == null) {
      bus = new EventBus(bootstrap);
    }
    return bus;
  }

  protected JobDriver driver() {
    return new JobDriver(store, work.resolve("driver"));
  }

  @Test
  void runsTheStepsOfItsOwnStage() {
    assertEquals(stage(), runner.stage());
  }

  @Test
  void sendsAnUndecodableRecordToTheDeadLetterTopicNamingTheReason() {
    String key = "garbage-" + stage().id();
    bus().publishRaw(Topics.JOB_SUBMITTED, key, "{\"type\": \"JobSubmitted\", \"jobId\":".getBytes(StandardCharsets.UTF_8));
    List<ConsumerRecord<String, byte[]>> dead = bus().await(r -> r.topic().equals(Topics.DEAD_LETTER) && key.equals(r.key())
        && header(r, "dead-letter-topic").equals(Topics.JOB_SUBMITTED), 1, STEP_TIMEOUT);
    ConsumerRecord<String, byte[]> r = dead.get(0);
    assertTrue(header(r, "dead-letter-reason").contains("undecodable event"), header(r, "dead-letter-reason"));
    assertEquals("{\"type\": \"JobSubmitted\", \"jobId\":", new String(r.value(), StandardCharsets.UTF_8), "copied unchanged");
  }

  /**
   * The Kafka fuzz ({@link BadRecords}, {@code -Dtopiary.fuzz.records=N}): bad records dealt over
   * the step topics each land on the dead-letter topic, copied unchanged with the reason, source
   * topic, partition and offset in headers, so the consumer went past every one of them; and the
   * service is still ready afterwards.
   */
  @Test
  void deadLettersEveryBadRecordOnTheStepTopicsAndKeepsConsuming() throws Exception {
    String ghost = "fuzz-ghost-" + stage().id();
    ArtifactRef plan = new ArtifactRef(store.bucket(), Keys.plan(ghost), "0".repeat(64), 100);
    String valid = EventCodec.toJson(new JobSubmitted(ghost, 0, 1, Instant.now(), "ghost", 3, plan, Artifacts.NONE));
    List<BadRecords.BadRecord> records = BadRecords.fromProperties(ghost, valid);
    List<String> stepTopics = List.of(Topics.JOB_SUBMITTED, Topics.RANK_COMPUTED, Topics.LAYER_PRUNED, Topics.EPOCH_TUNED,
        Topics.MODEL_EVALUATED);
    Map<String, BadRecords.BadRecord> sent = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      BadRecords.BadRecord r = records.get(i);
      RecordMetadata at = bus().publishRaw(stepTopics.get(i % stepTopics.size()), r.key(), r.value());
      sent.put(at.topic() + "/" + at.partition() + "/" + at.offset(), r);
    }
    Map<String, ConsumerRecord<String, byte[]>> dead = new HashMap<>();
    for (ConsumerRecord<String, byte[]> d : bus().await(d -> d.topic().equals(Topics.DEAD_LETTER)
        && sent.containsKey(source(d)), sent.size(), STEP_TIMEOUT)) {
      dead.put(source(d), d);
    }
    for (Map.Entry<String, BadRecords.BadRecord> e : sent.entrySet()) {
      ConsumerRecord<String, byte[]> d = dead.get(e.getKey());
      String what = "[" + stage().id() + ", fuzz record '" + e.getValue() + "' at " + e.getKey() + "] ";
      assertTrue(d != null, what + "not dead-lettered");
      assertFalse(header(d, "dead-letter-reason").isBlank(), what + "no reason");
      assertArrayEquals(e.getValue().value(), d.value(), what + "not copied unchanged");
    }
    System.out.printf("fuzz kafka %s seed=%d records=%d dead-lettered=%d%n", stage().id(), Long.getLong(BadRecords.SEED, 16),
        sent.size(), dead.size());
    assertEquals(200, get(ready).statusCode(), "ready after the fuzz");
  }

  private static String source(ConsumerRecord<String, byte[]> dead) {
    return header(dead, "dead-letter-topic") + "/" + header(dead, "dead-letter-partition") + "/" + header(dead, "dead-letter-offset");
  }

  @Test
  void isReadyWhenTheStoreAndBrokerAnswer() throws Exception {
    HttpResponse<String> r = get(ready);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("\"artifact-store\""), r.body());
    assertTrue(r.body().contains(store.bucket()), r.body());
  }

  @Test
  void exportsStageAndKafkaMetrics() throws Exception {
    bus().publishRaw(Topics.JOB_SUBMITTED, "metrics-" + stage().id(), "not json".getBytes(StandardCharsets.UTF_8));
    bus().await(r -> r.topic().equals(Topics.DEAD_LETTER) && ("metrics-" + stage().id()).equals(r.key()), 1, STEP_TIMEOUT);
    String body = get(metrics).body();
    String tag = "stage=\"" + stage().id() + "\"";
    assertTrue(body.lines().anyMatch(l -> l.startsWith("topiary_stage_in_flight{") && l.contains(tag)), "in-flight gauge");
    assertTrue(body.lines().anyMatch(l -> l.startsWith("topiary_stage_failures_total{") && l.contains(tag)
        && l.contains("reason=\"dead-letter\"")), "failure counter");
    assertTrue(body.contains("kafka_consumer_"), "Kafka client metrics");
  }

  /** Asserts a step's completion event is stored once, where the runner stores it. */
  protected void assertStoredOnce(String jobId, int stepIndex) {
    assertTrue(store.exists(Keys.step(jobId, stepIndex, stage().id(), StageRunner.EVENT_FILE)));
  }

  protected static String header(ConsumerRecord<String, byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> get(URL url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url.toString())).build(), HttpResponse.BodyHandlers.ofString());
  }
}
