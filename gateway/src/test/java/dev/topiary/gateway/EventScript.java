package dev.topiary.gateway;

import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.pipeline.store.ModelRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The events the four stages would publish for a plan, built with pipeline's records, step k
 * ending 10 s after step k-1 ({@link #T0} is the submission's time). The model is LeNet-5's files,
 * really stored, so that the final model can be downloaded.
 */
public final class EventScript {
  public static final long BASELINE_PARAMS = 61_706;
  public static final long PRUNED_PARAMS = 15_000;

  private final JobPlan plan;
  private final ArtifactRef planRef;
  private final Instant t0;
  private final ModelRef model;
  private final ArtifactRef scores;

  public EventScript(ArtifactStore store, JobSubmitted submitted, JobPlan plan) {
    this.plan = plan;
    this.planRef = submitted.plan();
    this.t0 = submitted.occurredAt();
    String id = submitted.jobId();
    this.model = new ModelRef(store.put(Keys.step(id, 1, "finetune", "graph.json"), Fixtures.lenetGraphJson()),
        store.put(Keys.step(id, 1, "finetune", "weights.safetensors"), Fixtures.lenetWeights()), null);
    this.scores = store.put(Keys.step(id, 1, "rank", "scores.json"), "{}".getBytes(StandardCharsets.UTF_8));
  }

  public ModelRef model() {
    return model;
  }

  /** When step {@code index} ends. */
  public Instant end(int index) {
    return t0.plusSeconds(10L * index);
  }

  /** The events of steps {@code from} to {@code to}, inclusive. */
  public List<PipelineEvent> steps(int from, int to) {
    List<PipelineEvent> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.addAll(step(plan.step(i)));
    }
    return out;
  }

  private List<PipelineEvent> step(PlanStep s) {
    String id = plan.jobId();
    int i = s.index();
    Artifacts done = Artifacts.of(model).withScores(scores);
    if (s instanceof PlanStep.TuningStep t) {
      List<PipelineEvent> epochs = new ArrayList<>();
      for (int e = 1; e <= t.epochs(); e++) {
        Instant at = end(i).minusSeconds(t.epochs() - e);
        epochs.add(new EpochTuned(id, i, 1, at, planRef, e == t.epochs() ? done : Artifacts.NONE, e, t.epochs(), 1.0 / (e + i),
            0.5 + 0.01 * (e + i), 1.1 / (e + i), 0.48 + 0.01 * (e + i), 0.05, null));
      }
      return epochs;
    }
    if (s instanceof PlanStep.Evaluate) {
      boolean last = i == plan.steps().size();
      return List.of(new ModelEvaluated(id, i, 1, end(i), planRef, done, last ? 0.84 : 0.86, last ? 0.98 : 0.99, last ? 0.45 : 0.4,
          last ? PRUNED_PARAMS : BASELINE_PARAMS, last ? 100_000 : 416_520, last ? 70_000 : 250_000, last ? 60_000 : 230_000,
          List.of(new ModelEvaluated.Latency("cpu", "djl", 1, last ? 0.2 : 0.4, last ? 0.3 : 0.5),
              new ModelEvaluated.Latency("cpu", "djl", 32, last ? 2.0 : 5.0, last ? 2.5 : 6.0),
              new ModelEvaluated.Latency("cpu", "onnxruntime", 1, last ? 0.25 : 0.5, last ? 0.3 : 0.6),
              new ModelEvaluated.Latency("cpu", "onnxruntime", 32, last ? 1.0 : 4.0, last ? 1.5 : 4.5))));
    }
    if (s instanceof PlanStep.Rank) {
      return List.of(new RankComputed(id, i, 1, end(i), planRef, done, "l1", 4));
    }
    return List.of(new LayerPruned(id, i, 1, end(i), planRef, done,
        List.of(new LayerPruned.GroupCut("conv1", 6, 3), new LayerPruned.GroupCut("conv2", 16, 8), new LayerPruned.GroupCut("fc1", 120, 60)),
        PRUNED_PARAMS, 100_000, null));
  }
}
