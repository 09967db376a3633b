package dev.topiary.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.Submission;
import dev.topiary.pipeline.stage.FinetuneStage;
import dev.topiary.pipeline.stage.StageContext;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.RetryPolicy;
import dev.topiary.testsupport.S3Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer's failure handling against a real S3 server that goes away: transient failures are
 * retried with backoff and either recover or end the job with JobFailed; undecodable records go to
 * the dead letters.
 */
class StageConsumerTest {
  private static final String SPEC = "name: %s\nmodel: {zoo: lenet5}\nbaseline: {epochs: 1, optimizer: {lr: 0.05}}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: 128, testLimit: 64, batchSize: 64}\n"
      + "prune: {criterion: l1, select: {targetFlopsReduction: 0.5}}\nschedule: {mode: oneshot, finetune: {epochs: 0}}\n";

  @TempDir Path dir;
  private S3Server server;
  private ArtifactStore store;
  private final List<PipelineEvent> published = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    server = S3Server.start();
    server.createBucket("topiary");
    store = ArtifactStore.builder().setEndpoint(server.endpoint()).setAccessKey(server.accessKey()).setSecretKey(server.secretKey())
        .setBucket("topiary").optRetryPolicy(RetryPolicy.none()).build();
  }

  @AfterEach
  void stop() {
    store.close();
    server.close();
  }

  @Test
  void retriesAStepWhileTheStoreIsDownAndCompletesWhenItIsBack() throws Exception {
    JobSubmitted submitted = submit("store-blip");
    StageConsumer consumer = consumer(4, Duration.ofMillis(400));
    server.stop();
    Thread restarter = new Thread(() -> {
      sleep(250);
      server.restart();
    });
    restarter.start();
    consumer.consume(EventCodec.toBytes(submitted));
    restarter.join();

    assertEquals(List.of(EpochTuned.class), published.stream().map(Object::getClass).toList(), "no failure, the one epoch");
    assertEquals(0.0, registry.find("topiary.stage.failures").counters().stream().mapToDouble(c -> c.count()).sum());
    assertEquals(3, registry.find("topiary.stage.failures").counters().size(), "every reason registered at zero");
    assertEquals(1L, registry.get("topiary.stage.duration").tag("outcome", "completed").timer().count());
  }

  @Test
  void endsTheJobWithJobFailedWhenTheRetriesAreSpent() {
    JobSubmitted submitted = submit("store-gone");
    StageConsumer consumer = consumer(2, Duration.ofMillis(10));
    server.stop();
    consumer.consume(EventCodec.toBytes(submitted));

    assertEquals(1, published.size());
    JobFailed failed = (JobFailed) published.get(0);
    assertEquals(Stage.FINETUNE, failed.stage());
    assertEquals(1, failed.stepIndex(), "the step after the submission");
    assertTrue(failed.message().contains("gave up after 2 attempts"), failed.message());
    assertTrue(failed.message().contains(server.endpoint().replace("http://", "")) || failed.message().contains("s3://topiary"),
        "names where it failed: " + failed.message());
    assertEquals(1.0, registry.get("topiary.stage.failures").tag("reason", "transient").counter().count());
  }

  @Test
  void ridesOutAnOutageWithinTheRetryBudgetWhateverTheAttemptCount() throws Exception {
    JobSubmitted submitted = submit("store-outage");
    StageConsumer consumer = consumer(1, Duration.ofMillis(50), Duration.ofSeconds(20));
    server.stop();
    Thread restarter = new Thread(() -> {
      sleep(1500);
      server.restart();
    });
    restarter.start();
    consumer.consume(EventCodec.toBytes(submitted));
    restarter.join();
    assertEquals(List.of(EpochTuned.class), published.stream().map(Object::getClass).toList(), "completed after the outage");
  }

  @Test
  void anOutageLongerThanTheBudgetEndsTheJobNamingTheStoreOperation() {
    JobSubmitted submitted = submit("store-long-outage");
    StageConsumer consumer = consumer(1, Duration.ofMillis(20), Duration.ofMillis(800));
    server.stop();
    long start = System.nanoTime();
    consumer.consume(EventCodec.toBytes(submitted));
    long ms = (System.nanoTime() - start) / 1_000_000;

    JobFailed failed = (JobFailed) published.get(0);
    assertEquals(1, published.size());
    assertTrue(ms >= 500, "kept trying for about the budget, not one attempt: " + ms + " ms");
    assertTrue(failed.message().matches("reading the plan of step 1: gave up after \\d+ attempts in \\d+ s "
        + "\\(topiary.stage.retry.budget PT0.8S\\): get s3://topiary/jobs/store-long-outage/plan.json .* failed after 1 attempt.*"), failed.message());
    assertTrue(Integer.parseInt(failed.message().replaceAll(".*gave up after (\\d+) attempts.*", "$1")) > 2, failed.message());
  }

  @Test
  void throwsUndecodableRecordsBackForTheDeadLetterTopic() {
    StageConsumer consumer = consumer(2, Duration.ofMillis(10));
    UndecodableEventException e = assertThrows(UndecodableEventException.class,
        () -> consumer.consume("{\"type\": \"NoSuchEvent\"}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().startsWith("undecodable event: "), e.getMessage());
    assertTrue(e.getMessage().contains("NoSuchEvent"), e.getMessage());
    assertEquals(1.0, registry.get("topiary.stage.failures").tag("reason", "dead-letter").counter().count());
    assertEquals(List.of(), published);
  }

  @Test
  void throwsARecordWhosePlanIsInAnotherBucketBackForTheDeadLetterTopicWithoutRetrying() {
    // found by the Kafka fuzz: a flipped bit named bucket 'popiary', whose NoSuchBucket was retried as a store outage
    // and ended in JobFailed for a job that never existed, instead of a dead letter
    JobSubmitted real = submit("other-bucket");
    ArtifactRef elsewhere = new ArtifactRef("popiary", real.plan().key(), real.plan().sha256(), real.plan().size());
    JobSubmitted event = new JobSubmitted(real.jobId(), 0, 1, real.occurredAt(), real.name(), real.totalSteps(), elsewhere,
        real.artifacts());
    StageConsumer consumer = consumer(3, Duration.ofSeconds(10));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> consumer.consume(EventCodec.toBytes(event)));
    assertTrue(e.getMessage().contains("is in bucket 'popiary'; this service reads bucket 'topiary'"), e.getMessage());
    assertEquals(List.of(), published, "no JobFailed: the record goes to the dead letters");
  }

  private JobSubmitted submit(String jobId) {
    return Submission.prepare(store, jobId, JobSpecs.parseYaml(SPEC.formatted(jobId)), Instant.now());
  }

  private StageConsumer consumer(int attempts, Duration backoff) {
    return consumer(attempts, backoff, Duration.ZERO);
  }

  private StageConsumer consumer(int attempts, Duration backoff, Duration budget) {
    StageContext ctx = StageContext.builder().setStore(store).setWorkDir(dir.resolve("work")).build();
    FinetuneStage runner = new FinetuneStage(ctx);
    EventPublisher publisher = new EventPublisher(null) {
      @Override
      public void publish(PipelineEvent event) {
        published.add(event);
      }
    };
    return new StageConsumer(runner, ctx, publisher, new StageMetrics(registry, runner), config(attempts, backoff, budget));
  }

  private static StageConfig config(int attempts, Duration backoff, Duration budget) {
    return new StageConfig() {
      public String workDir() { return "unused"; }
      public String datasetRoot() { return "unused"; }
      public String device() { return "cpu"; }
      public Optional<Integer> intraOpThreads() { return Optional.empty(); }
      public Optional<Integer> interOpThreads() { return Optional.empty(); }
      public int latencyWarmup() { return 0; }
      public int latencyRuns() { return 1; }
      public int maxStepCrashes() { return 3; }
      public Retry retry() {
        return new Retry() {
          public int attempts() { return attempts; }
          public Duration backoff() { return backoff; }
          public Duration maxBackoff() { return backoff.multipliedBy(8); }
          public Duration budget() { return budget; }
        };
      }
    };
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
