package dev.topiary.local.bench;

import dev.topiary.local.LocalStack;
import dev.topiary.local.ServiceSpec;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.JobFlow;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanJson;
import dev.topiary.pipeline.plan.Submission;
import dev.topiary.pipeline.stage.EvalStage;
import dev.topiary.pipeline.stage.FinetuneStage;
import dev.topiary.pipeline.stage.PruneStage;
import dev.topiary.pipeline.stage.RankStage;
import dev.topiary.pipeline.stage.StageContext;
import dev.topiary.pipeline.stage.StageRunner;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Three figures on the local stack, printed with the command that reproduces them:
 *
 * <ol>
 *   <li><b>Pipeline overhead</b>: the wall time of one job through the four service processes
 *       (submission to final {@code ModelEvaluated}) against the same job's steps run one after
 *       another in one process by the same stage runners on the same store; alternated. The first
 *       {@code --warmup-rounds} rounds warm both JVMs' code and caches and are printed, not
 *       counted; of the counted rounds, the best of each side and the median of the per-round
 *       ratios are reported (the machine's noise is of the order of the target).
 *   <li><b>Event hop latency</b>: producer send to consumer receipt of event-sized records on the
 *       broker, keyed by job id, acks=all; p50 and p99.
 *   <li><b>Artifact throughput</b>: put and verified get of a large file through the store.
 * </ol>
 */
@Command(name = "pipeline-bench", mixinStandardHelpOptions = true, description = "Pipeline overhead, event hop latency, store throughput.")
public final class PipelineBench implements Callable<Integer> {
  @Option(names = "--root", defaultValue = ".") Path root;
  @Option(names = "--run-dir", defaultValue = ".bench/pipeline") Path runDir;
  @Option(names = "--train-limit", defaultValue = "20000", description = "Training images of the benchmark job.") int trainLimit;
  @Option(names = "--epochs", defaultValue = "3", description = "Baseline epochs of the benchmark job.") int epochs;
  @Option(names = "--rounds", defaultValue = "2", description = "Alternated rounds of (services, in-process), counted.") int rounds;
  @Option(names = "--warmup-rounds", defaultValue = "1", description = "Rounds run first and not counted.") int warmupRounds;
  @Option(names = "--hops", defaultValue = "1000") int hops;
  @Option(names = "--artifact-mib", defaultValue = "256") int artifactMib;

  public static void main(String[] args) {
    System.exit(new CommandLine(new PipelineBench()).execute(args));
  }

  private String spec(String name) {
    return ("name: %s\nmodel: {zoo: lenet5}\nbaseline: {epochs: %d, optimizer: {lr: 0.05}}\n"
        + "dataset: {kind: fashion-mnist, trainLimit: %d, testLimit: 2000, batchSize: 64}\n"
        + "prune: {criterion: l1, select: {targetFlopsReduction: 0.5}}\n"
        + "schedule: {mode: oneshot, finetune: {epochs: 1, optimizer: {lr: 0.01}}}\neval: {batchSizes: [1, 32]}\n")
        .formatted(name, epochs, trainLimit);
  }

  @Override
  public Integer call() throws Exception {
    if (rounds < 1 || warmupRounds < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--rounds must be >= 1 and --warmup-rounds >= 0, got " + rounds + " and " + warmupRounds);
    }
    Path run = runDir.toAbsolutePath();
    Files.createDirectories(run);
    System.out.printf(Locale.ROOT, "# %s, %d cores; job: lenet5, baseline %d epochs on %d images, L1 one-shot to 50%% FLOPs, 1 tune epoch%n",
        Instant.now(), Runtime.getRuntime().availableProcessors(), epochs, trainLimit);
    try (LocalStack stack = LocalStack.builder().setRoot(root.toAbsolutePath()).setRunDir(run).optFreePorts(true)
        .optServices(ServiceSpec.STAGES).start(); ArtifactStore store = stack.store()) {
      StageContext ctx = StageContext.builder().setStore(store).setWorkDir(run.resolve("inprocess")).build();
      // job ids unique per run: the run folder's store outlives runs, and a step whose event.json
      // exists is re-emitted, not run
      String runId = Long.toString(System.currentTimeMillis() / 1000, 36);
      double best0 = Double.MAX_VALUE;
      double best1 = Double.MAX_VALUE;
      double[] ratios = new double[rounds];
      for (int r = 0; r < warmupRounds + rounds; r++) {
        JobRun viaServices = viaServices(stack, store, "bench-svc-" + runId + "-" + r);
        JobRun viaOneProcess = inProcess(ctx, store, "bench-inp-" + runId + "-" + r);
        double services = viaServices.seconds();
        double inProcess = viaOneProcess.seconds();
        boolean counted = r >= warmupRounds;
        System.out.printf(Locale.ROOT, "%s %d: services %.1f s, in-process %.1f s (x%.3f)%n", counted ? "round" : "warm-up round",
            counted ? r - warmupRounds + 1 : r + 1, services, inProcess, services / inProcess);
        printSteps(viaServices, viaOneProcess);
        if (counted) {
          best0 = Math.min(best0, services);
          best1 = Math.min(best1, inProcess);
          ratios[r - warmupRounds] = services / inProcess;
        }
      }
      Arrays.sort(ratios);
      double median = rounds % 2 == 1 ? ratios[rounds / 2] : (ratios[rounds / 2 - 1] + ratios[rounds / 2]) / 2;
      System.out.printf(Locale.ROOT, "pipeline overhead over %d rounds: best services %.1f s vs best in-process %.1f s: %+.1f%%; "
          + "median of the per-round ratios: %+.1f%%%n", rounds, best0, best1, 100 * (best0 / best1 - 1), 100 * (median - 1));
      hops(stack.bootstrapServers());
      throughput(store, run);
    }
    return 0;
  }

  /** One job's wall time and the events it produced, in order. */
  private record JobRun(double seconds, List<PipelineEvent> events) {}

  private JobRun viaServices(LocalStack stack, ArtifactStore store, String jobId) throws Exception {
    try (KafkaProducer<String, byte[]> producer = producer(stack.bootstrapServers());
        KafkaConsumer<String, byte[]> consumer = consumer(stack.bootstrapServers(), Topics.eventTopics())) {
      long start = System.nanoTime();
      List<PipelineEvent> seen = new ArrayList<>();
      JobSubmitted s = Submission.prepare(store, jobId, JobSpecs.parseYaml(spec(jobId)), Instant.now());
      seen.add(s);
      JobPlan plan = PlanJson.fromBytes(store.getBytes(s.plan()));
      producer.send(new ProducerRecord<>(Topics.JOB_SUBMITTED, jobId, EventCodec.toBytes(s))).get();
      while (true) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (!jobId.equals(r.key())) {
            continue;
          }
          PipelineEvent e = EventCodec.fromBytes(r.value());
          if (e instanceof JobFailed) {
            throw new IllegalStateException("the benchmark job failed: " + e);
          }
          seen.add(e);
          if (e instanceof ModelEvaluated m && JobFlow.finishesJob(plan, m)) {
            return new JobRun((System.nanoTime() - start) / 1e9, List.copyOf(seen));
          }
        }
      }
    }
  }

  private JobRun inProcess(StageContext ctx, ArtifactStore store, String jobId) {
    List<StageRunner> runners = List.of(new RankStage(ctx), new PruneStage(ctx), new FinetuneStage(ctx), new EvalStage(ctx));
    long start = System.nanoTime();
    JobSubmitted s = Submission.prepare(store, jobId, JobSpecs.parseYaml(spec(jobId)), Instant.now());
    Deque<PipelineEvent> queue = new ArrayDeque<>(List.of(s));
    PipelineEvent last = s;
    List<PipelineEvent> seen = new ArrayList<>();
    while (!queue.isEmpty()) {
      last = queue.poll();
      seen.add(last);
      for (StageRunner r : runners) {
        r.handle(last, queue::add);
      }
    }
    if (!(last instanceof ModelEvaluated m && JobFlow.finishesJob(ctx.plan(m.plan()), m))) {
      throw new IllegalStateException("the in-process job did not finish: last event " + last);
    }
    return new JobRun((System.nanoTime() - start) / 1e9, seen);
  }

  /** Per step, from one step's completion (or the submission) to the next's, in both runs. */
  private static void printSteps(JobRun services, JobRun inProcess) {
    Map<Integer, Double> a = stepSeconds(services.events());
    Map<Integer, Double> b = stepSeconds(inProcess.events());
    for (Integer step : a.keySet()) { // sorted: a TreeMap
      System.out.printf(Locale.ROOT, "  step %2d: services %6.2f s, in-process %6.2f s%n", step, a.get(step), b.getOrDefault(step, Double.NaN));
    }
  }

  private static Map<Integer, Double> stepSeconds(List<PipelineEvent> events) {
    Map<Integer, Instant> ends = new TreeMap<>();
    for (PipelineEvent e : events) {
      ends.merge(e.stepIndex(), e.occurredAt(), (x, y) -> x.isAfter(y) ? x : y);
    }
    Map<Integer, Double> out = new TreeMap<>();
    Instant previous = null;
    for (Map.Entry<Integer, Instant> end : ends.entrySet()) {
      if (previous != null) {
        out.put(end.getKey(), Duration.between(previous, end.getValue()).toNanos() / 1e9);
      }
      previous = end.getValue();
    }
    return out;
  }

  private void hops(String bootstrap) throws Exception {
    byte[] value = new byte[900];
    new Random(1).nextBytes(value);
    long[] nanos = new long[hops];
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap);
        KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, List.of(Topics.DEAD_LETTER))) {
      for (int i = 0; i < hops; i++) {
        long sent = System.nanoTime();
        producer.send(new ProducerRecord<>(Topics.DEAD_LETTER, "hop-bench-" + (i % 16), value));
        producer.flush();
        boolean got = false;
        while (!got) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
            got |= r.key().startsWith("hop-bench-");
          }
        }
        nanos[i] = System.nanoTime() - sent;
      }
    }
    Arrays.sort(nanos);
    System.out.printf(Locale.ROOT, "event hop (send to receipt, %d records of %d bytes, acks=all): p50 %.2f ms, p99 %.2f ms%n",
        hops, value.length, nanos[hops / 2] / 1e6, nanos[(int) Math.ceil(hops * 0.99) - 1] / 1e6);
  }

  private void throughput(ArtifactStore store, Path run) throws IOException {
    Path file = run.resolve("artifact.bin");
    byte[] chunk = new byte[1 << 20];
    new Random(7).nextBytes(chunk);
    try (var out = Files.newOutputStream(file)) {
      for (int i = 0; i < artifactMib; i++) {
        out.write(chunk);
      }
    }
    long t0 = System.nanoTime();
    ArtifactRef ref = store.put("bench/artifact.bin", file);
    long t1 = System.nanoTime();
    store.get(ref, run.resolve("artifact-back.bin"));
    long t2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "artifact %d MiB (multipart, sha256 checked): put %.0f MiB/s, verified get %.0f MiB/s%n",
        artifactMib, artifactMib / ((t1 - t0) / 1e9), artifactMib / ((t2 - t1) / 1e9));
    Files.delete(file);
    Files.delete(run.resolve("artifact-back.bin"));
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<String, byte[]> consumer(String bootstrap, List<String> topics) {
    // Kafka's default fetch.max.wait.ms (500): the broker answers a fetch as soon as a record
    // arrives, so it does not delay receipt; a short wait only turns the watcher into a busy loop
    // of empty fetches that takes CPU from the service it is timing
    KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    topics.forEach(t -> c.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition()))));
    c.assign(parts);
    c.seekToEnd(parts);
    parts.forEach(c::position);
    return c;
  }
}
