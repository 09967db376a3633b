package dev.topiary.pipeline.plan;

import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ModelRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Makes the events a stage would emit for a step, without running anything. */
final class StageSimulator {
  static final ArtifactRef PLAN = ref("plan.json");
  static final Instant T = Instant.parse("2026-03-01T09:00:00Z");

  private StageSimulator() {}

  static ArtifactRef ref(String name) {
    return new ArtifactRef("topiary", "jobs/x/" + name, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 10);
  }

  static Artifacts after(PlanStep step) {
    String dir = step.index() + "-" + step.kind().id() + "/";
    return Artifacts.of(new ModelRef(ref(dir + "graph.json"), ref(dir + "weights.safetensors"), null)).withScores(ref("scores.json"));
  }

  static JobSubmitted submitted(JobPlan plan) {
    return new JobSubmitted(plan.jobId(), 0, 1, T, plan.spec().name(), plan.steps().size(), PLAN, Artifacts.NONE);
  }

  /** The events a step's stage emits, in order; only the last ends the step. */
  static List<PipelineEvent> emit(JobPlan plan, PlanStep step, int attempt) {
    String job = plan.jobId();
    int i = step.index();
    Artifacts a = after(step);
    List<PipelineEvent> out = new ArrayList<>();
    if (step instanceof PlanStep.TuningStep t) {
      for (int e = 1; e <= t.epochs(); e++) {
        out.add(new EpochTuned(job, i, attempt, T, PLAN, a, e, t.epochs(), 1.0 / e, 0.5, null, null, 0.01, null));
      }
      return out;
    }
    out.add(switch (step.stage()) {
      case RANK -> new RankComputed(job, i, attempt, T, PLAN, a, plan.spec().prune().criterionOrDefault(), 3);
      case PRUNE -> step instanceof PlanStep.PruneGroup g
          ? new LayerPruned(job, i, attempt, T, PLAN, a, List.of(new LayerPruned.GroupCut(g.group(), g.channelsBefore(), g.channelsAfter())), 100, 1000, null)
          : new LayerPruned(job, i, attempt, T, PLAN, a.withMasks(ref("masks.safetensors")), List.of(), 100, 1000, 0.5);
      case EVAL -> new ModelEvaluated(job, i, attempt, T, PLAN, a, 0.9, 0.99, 0.3, 100, 1000, 4000, 3000,
          List.of(new ModelEvaluated.Latency("cpu", ModelEvaluated.Latency.DJL, 1, 1.0, 1.2)));
      case FINETUNE -> throw new IllegalStateException("tuning steps are handled above");
    });
    return out;
  }
}
