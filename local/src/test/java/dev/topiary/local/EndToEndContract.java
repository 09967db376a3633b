package dev.topiary.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.JobFlow;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanJson;
import dev.topiary.pipeline.plan.Submission;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.service.testing.EventBus;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Whole jobs through the four stage services running as separate processes on a real Kafka broker
 * and a real S3 server, as in production but on one machine. Subclasses start the stack: on the
 * in-JVM servers ({@link PipelineEndToEndTest}) or on Docker containers ({@link DockerPipelineEndToEndTest}).
 */
abstract class EndToEndContract {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(6);
  private static final String LENET = "name: %s\nmodel: {zoo: lenet5}\n"
      + "baseline: {epochs: 4, optimizer: {lr: 0.05}}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: 3000, testLimit: 500, batchSize: 64}\n"
      + "prune: {criterion: l1, select: {targetFlopsReduction: 0.5}}\n"
      + "schedule: {mode: oneshot, finetune: {epochs: 1, optimizer: {lr: 0.01}}}\neval: {batchSizes: [1, 8]}\n";

  static LocalStack stack;
  static ArtifactStore store;
  static EventBus bus;

  /**
   * A stack for these tests: a fresh run folder under {@code target/} (stored objects must not
   * outlive a run: a step whose event is stored is re-emitted, not run), free ports, short latency
   * runs, small heaps; servers as given.
   */
  static LocalStack.Builder stackBuilder(String runDir) {
    Path fresh;
    try {
      fresh = Files.createTempDirectory(Path.of("target").toAbsolutePath(), runDir + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return LocalStack.builder().setRoot(Path.of("..").toAbsolutePath().normalize())
        .setRunDir(fresh).optFreePorts(true)
        .optProperty("topiary.stage.latency-runs", "5").optProperty("topiary.stage.latency-warmup", "2")
        .optProperty("topiary.stage.intra-op-threads", "1").optJvmOptions(List.of("-Xmx1g"));
  }

  static void started(LocalStack started) {
    stack = started;
    store = stack.store();
    bus = new EventBus(stack.bootstrapServers());
  }

  /** Stops the services and in-JVM servers; idempotent, so a subclass may call it before stopping its containers. */
  @AfterAll
  static void stopStack() {
    if (bus != null) {
      bus.close();
      bus = null;
    }
    if (store != null) {
      store.close();
      store = null;
    }
    if (stack != null) {
      stack.close();
      stack = null;
    }
  }

  @Test
  void aJobSurvivesAFinetuneCrashAndADuplicateSubmissionAndEndsSmallerWithOneResult() {
    String jobId = "e2e-lenet";
    JobSubmitted submitted = Submission.prepare(store, jobId, JobSpecs.parseYaml(LENET.formatted(jobId)), Instant.now());
    bus.publish(submitted);
    bus.publish(submitted);

    bus.await(r -> jobId.equals(r.key()) && EventCodec.fromBytes(r.value()) instanceof EpochTuned e && e.epoch() == 1,
        1, JOB_TIMEOUT);
    ServiceProcess finetune = stack.service(ServiceSpec.FINETUNE.name());
    finetune.kill();
    finetune.start();
    finetune.awaitReady(Duration.ofMinutes(2));

    JobPlan plan = PlanJson.fromBytes(store.getBytes(submitted.plan()));
    List<ModelEvaluated> evaluations = bus.await(r -> jobId.equals(r.key()) && EventCodec.fromBytes(r.value())
        instanceof ModelEvaluated m && JobFlow.finishesJob(plan, m), 1, JOB_TIMEOUT).stream()
        .map(r -> (ModelEvaluated) EventCodec.fromBytes(r.value())).toList();
    List<PipelineEvent> events = bus.drain(Duration.ofSeconds(5)).stream().filter(r -> jobId.equals(r.key()))
        .map(r -> EventCodec.fromBytes(r.value())).toList();

    List<EpochTuned> baselineEpochs = events.stream().filter(e -> e instanceof EpochTuned t && t.stepIndex() == 1)
        .map(EpochTuned.class::cast).toList();
    assertEquals(1, baselineEpochs.stream().filter(e -> e.epoch() == 1).count(),
        "the restarted service resumed from the epoch-1 checkpoint instead of training again: " + baselineEpochs);
    assertEquals(List.of(1, 2, 3, 4), baselineEpochs.stream().map(EpochTuned::epoch).distinct().sorted().toList());
    // the restart is a new run of the step: its events carry the attempt the store recorded for it
    int runs = Integer.parseInt(new String(store.getBytes(store.find(Keys.attempts(jobId, 1, "finetune")).orElseThrow()),
        java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(1, baselineEpochs.get(0).attempt(), "epoch 1 came from the first run");
    assertEquals(runs, baselineEpochs.get(baselineEpochs.size() - 1).attempt(), "the last epoch came from the last run");
    assertFalse(events.stream().anyMatch(JobFailed.class::isInstance), "no failure: " + events);

    List<ModelEvaluated> finals = events.stream().filter(e -> e instanceof ModelEvaluated m && JobFlow.finishesJob(plan, m))
        .map(ModelEvaluated.class::cast).toList();
    for (ModelEvaluated again : finals) {
      assertArrayEquals(EventCodec.toBytes(finals.get(0)), EventCodec.toBytes(again),
          "duplicates downstream are the stored result re-emitted, byte for byte");
    }
    ModelEvaluated result = evaluations.get(0);
    ModelEvaluated baseline = events.stream().filter(e -> e instanceof ModelEvaluated m && !JobFlow.finishesJob(plan, m))
        .map(ModelEvaluated.class::cast).findFirst().orElseThrow();
    assertTrue(result.macs() <= baseline.macs() / 2, result.macs() + " MACs after, " + baseline.macs() + " before");
    assertTrue(result.params() < baseline.params());
    Graph pruned = graph(result.artifacts().model().graph());
    assertEquals(pruned.parameterCount(), result.params(), "the figures are the stored model's");
    assertEquals(pruned.macs(), result.macs());
    assertEquals(List.of(1, 8, 1, 8), result.latency().stream().map(ModelEvaluated.Latency::batchSize).toList());
    assertEquals(List.of("djl", "djl", "onnxruntime", "onnxruntime"), result.latency().stream().map(ModelEvaluated.Latency::runtime).toList());
    assertTrue(result.top1() > 0.5, "a trained and fine-tuned LeNet: " + result.top1());
  }

  @Test
  void badJobsEndInJobFailedWithTheReason() {
    String impossible = "e2e-overslim";
    JobSubmitted overslim = Submission.prepare(store, impossible, JobSpecs.parseYaml(("name: %s\n"
        + "model: {zoo: resnet20, inputShape: [1, 28, 28]}\nbaseline: {epochs: 1}\n"
        + "dataset: {kind: fashion-mnist, trainLimit: 64, testLimit: 64, batchSize: 64}\nprune: {granularity: channel}\n"
        + "schedule: {mode: slimming, sparsityTraining: {epochs: 0}, percent: 0.99, finetune: {epochs: 0}}\n"
        + "eval: {batchSizes: [1]}\n").formatted(impossible)), Instant.now());
    bus.publish(overslim);
    JobFailed refused = bus.awaitEvents(impossible, JobFailed.class, 1, JOB_TIMEOUT).get(0);
    assertEquals(Stage.PRUNE, refused.stage());
    assertTrue(refused.message().contains("largest percent allowed"), refused.message());

    String missing = "e2e-missing-weights";
    ArtifactRef graph = store.put("uploads/e2e/graph.json", GraphJson.write(JobSpecs.zooGraph(JobSpecs.parseYaml(
        LENET.formatted(missing)))).getBytes(StandardCharsets.UTF_8));
    ArtifactRef weights = new ArtifactRef(LocalStack.BUCKET, "uploads/e2e/weights.safetensors", "ab".repeat(32), 1024);
    JobSubmitted noWeights = Submission.prepare(store, missing, JobSpecs.parseYaml(LENET.formatted(missing)
        .replace("model: {zoo: lenet5}", "model: {graph: " + ref(graph) + ", weights: " + ref(weights) + "}")
        .replace("baseline: {epochs: 4, optimizer: {lr: 0.05}}\n", "")), Instant.now());
    bus.publish(noWeights);
    JobFailed notFound = bus.awaitEvents(missing, JobFailed.class, 1, JOB_TIMEOUT).get(0);
    assertEquals(Stage.EVAL, notFound.stage(), "the baseline evaluation is the first step");
    assertTrue(notFound.message().contains("uploads/e2e/weights.safetensors"), notFound.message());
  }

  private static String ref(ArtifactRef r) {
    return "{bucket: " + r.bucket() + ", key: '" + r.key() + "', sha256: '" + r.sha256() + "', size: " + r.size() + "}";
  }

  private static Graph graph(ArtifactRef ref) {
    return GraphJson.read(new String(store.getBytes(ref), StandardCharsets.UTF_8), ref.key());
  }
}
