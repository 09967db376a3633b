package dev.topiary.gateway.view;

import dev.topiary.gateway.Fixtures;
import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.JobCancelled;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.plan.Submission;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.ModelRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One job's events in the order the stages publish them, built from a compiled plan without a
 * store (the refs name objects that are never read): the submission at {@link #T0}, step k ending
 * 10 s after step k-1, epochs a second apart, each step's model its own. Methods add what a stage
 * would publish next; {@link #events()} is the history so far.
 */
final class JobHistories {
  static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  /** A LeNet-5 spec pruned one group at a time, with a fine-tune after each cut and at the end. */
  static final String LAYERWISE_SPEC = """
      name: %s
      model:
        zoo: lenet5
      baseline: {epochs: 2}
      dataset:
        kind: fashion-mnist
        trainLimit: 512
        testLimit: 128
      prune:
        criterion: l1
        select: {compressRate: "[0.5]*2"}
      schedule:
        mode: layerwise
        perStep: {epochs: 1}
        finalTune: {epochs: 3}
      """;

  private final JobPlan plan;
  private final ArtifactRef planRef;
  private final List<PipelineEvent> events = new ArrayList<>();

  private JobHistories(String jobId, String specYaml) {
    // the store is only handed over: compiling a plan reads and writes nothing
    try (ArtifactStore store = ArtifactStore.builder().setEndpoint("http://127.0.0.1:1").setAccessKey("k").setSecretKey("s")
        .setBucket("topiary").build()) {
      this.plan = Submission.builder().setStore(store).setJobId(jobId)
          .setSpec(JobSpecs.parse(specYaml.formatted(jobId), JobSpecs.Format.YAML)).build().plan();
    }
    this.planRef = ref("jobs/" + jobId + "/plan.json", 0);
    events.add(new JobSubmitted(jobId, 0, 1, T0, jobId, plan.steps().size(), planRef, Artifacts.NONE, "acme", null));
  }

  /** The LeNet-5 one-shot job of the gateway's fixtures: train-baseline, evaluate, rank, prune, finetune (2 epochs), evaluate. */
  static JobHistories oneshot(String jobId) {
    return new JobHistories(jobId, Fixtures.lenetSpecYaml("%s"));
  }

  static JobHistories layerwise(String jobId) {
    return new JobHistories(jobId, LAYERWISE_SPEC);
  }

  JobPlan plan() {
    return plan;
  }

  String jobId() {
    return plan.jobId();
  }

  List<PipelineEvent> events() {
    return List.copyOf(events);
  }

  /** When step {@code index} ends. */
  static Instant end(int index) {
    return T0.plusSeconds(10L * index);
  }

  /** Every event of steps {@code from} to {@code to}, first attempts. */
  JobHistories steps(int from, int to) {
    for (int i = from; i <= to; i++) {
      PlanStep s = plan.step(i);
      if (s instanceof PlanStep.TuningStep t) {
        epochs(i, 1, 1, t.epochs());
      } else {
        events.add(completion(s, 1, end(i)));
      }
    }
    return this;
  }

  /** Epochs {@code from} to {@code to} of tuning step {@code step}, in attempt {@code attempt}; the last epoch ends the step. */
  JobHistories epochs(int step, int attempt, int from, int to) {
    int epochs = ((PlanStep.TuningStep) plan.step(step)).epochs();
    for (int e = from; e <= to; e++) {
      Instant at = end(step).minusSeconds(epochs - e).plusMillis(100L * (attempt - 1));
      events.add(new EpochTuned(jobId(), step, attempt, at, planRef, e == epochs ? Artifacts.of(model(step, attempt)) : Artifacts.NONE,
          e, epochs, 1.0 / (e + step + attempt), 0.5 + 0.01 * e, 1.1 / (e + step), 0.48 + 0.01 * (e + attempt), 0.05, null));
    }
    return this;
  }

  /** Step {@code step}'s completion by attempt {@code attempt}, some time after its first attempt would have ended. */
  JobHistories retried(int step, int attempt) {
    events.add(completion(plan.step(step), attempt, end(step).plusMillis(500)));
    return this;
  }

  /** The stage of step {@code step} gave up. */
  JobHistories failed(int step, int attempt) {
    events.add(new JobFailed(jobId(), step, attempt, end(step).plusMillis(900), plan.step(step).stage(), "IllegalStateException",
        "step " + step + ": gave up after 3 attempts: connection reset"));
    return this;
  }

  /** The gateway cancelled the job while step {@code stepsDone + 1} ran (its JobCancelled carries the steps done). */
  JobHistories cancelled(int stepsDone, String reason) {
    events.add(new JobCancelled(jobId(), stepsDone, 1, end(stepsDone).plusSeconds(3), reason, "acme"));
    return this;
  }

  /** Publishes again an event already published (at-least-once delivery). */
  JobHistories redelivered(int index) {
    events.add(events.get(index));
    return this;
  }

  private PipelineEvent completion(PlanStep s, int attempt, Instant at) {
    String id = jobId();
    int i = s.index();
    Artifacts done = Artifacts.of(model(i, attempt)).withScores(ref("jobs/" + id + "/steps/rank/scores.json", 9_999));
    if (s instanceof PlanStep.Evaluate) {
      boolean last = i == plan.steps().size();
      return new ModelEvaluated(id, i, attempt, at, planRef, done, last ? 0.84 : 0.86 + 0.001 * attempt, 0.98, 0.4, last ? 15_000 : 61_706,
          100_000, 70_000, 60_000, List.of(new ModelEvaluated.Latency("cpu", "djl", 1, 0.2 * attempt, 0.3),
              new ModelEvaluated.Latency("cpu", "onnxruntime", 1, 0.25, 0.3)));
    }
    if (s instanceof PlanStep.Rank) {
      return new RankComputed(id, i, attempt, at, planRef, done, "l1", 4);
    }
    List<LayerPruned.GroupCut> cuts = s instanceof PlanStep.PruneGroup g
        ? List.of(new LayerPruned.GroupCut(g.group(), g.channelsBefore(), g.channelsAfter()))
        : List.of(new LayerPruned.GroupCut("conv1", 6, 3), new LayerPruned.GroupCut("conv2", 16, 8 + attempt));
    return new LayerPruned(id, i, attempt, at, planRef, done, cuts, 60_000 - 1_000L * i - attempt, 400_000 - 10_000L * i, null);
  }

  private ModelRef model(int step, int attempt) {
    String prefix = "jobs/" + jobId() + "/steps/" + step + "/" + attempt + "/";
    return new ModelRef(ref(prefix + "graph.json", 2 * (100 * step + attempt)), ref(prefix + "weights.safetensors", 2 * (100 * step + attempt) + 1),
        null);
  }

  private static ArtifactRef ref(String key, long n) {
    return new ArtifactRef("topiary", key, String.format("%064x", n), 1_000 + n);
  }
}
