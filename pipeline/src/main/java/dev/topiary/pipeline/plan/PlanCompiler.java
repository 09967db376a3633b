package dev.topiary.pipeline.plan;

import dev.topiary.engine.graph.Graph;
import dev.topiary.pipeline.job.FitSpec;
import dev.topiary.pipeline.job.InvalidJobSpecException;
import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.job.PerLayerCuts;
import dev.topiary.pipeline.job.ScheduleSpec;
import dev.topiary.pipeline.job.SpecProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Compiles a spec into a plan, a pure function of the spec and the model's graph:
 *
 * <pre>
 * [train-baseline]            when the model has no weights
 * evaluate (baseline)
 * oneshot    rank, prune | mask | nm-mask, [finetune]
 * layerwise  rank, per group cut: prune-group, [finetune perStep]; [finetune finalTune]
 * stages     per stage: rank, prune-to-flops, [finetune perStage]
 *            unstructured: per stage: mask-to-sparsity, [finetune perStage]
 * gradual    gradual-tune
 * slimming   [sparsity-train], slim, [finetune]
 * sensitivity  sensitivity, prune-per-group, [finetune]
 * finetune   finetune
 * evaluate (final)
 * </pre>
 *
 * A bracketed tuning step is left out when its settings ask for 0 epochs. A spec with {@code
 * model.replay} replays the history right after the baseline evaluation ({@code replay}), so the
 * baseline is the checkpoint and the schedule starts from the replayed model.
 *
 * <p>A detection job's slimming measures the seed's four points: evaluate after sparsity training
 * and after the cut too, {@code [sparsity-train, evaluate], slim, [evaluate, finetune]}, so that its
 * evaluations are the baseline, after sparsity training, after the cut and after fine-tuning (an
 * evaluation whose model would equal the one before is left out with the step it follows).
 * Classification plans are unchanged.
 */
public final class PlanCompiler {
  private PlanCompiler() {}

  /** Compiles a zoo model's spec; its graph is built from the zoo. */
  public static JobPlan compile(String jobId, JobSpec spec) {
    return compile(jobId, spec, JobSpecs.zooGraph(spec));
  }

  /**
   * Compiles a spec for a model with this graph.
   *
   * @throws InvalidJobSpecException when the spec has problems, with this graph or without
   */
  public static JobPlan compile(String jobId, JobSpec spec, Graph graph) {
    List<SpecProblem> problems = JobSpecs.problems(spec, graph);
    if (!problems.isEmpty()) {
      throw new InvalidJobSpecException(problems);
    }
    Steps s = new Steps();
    if (spec.trainsBaseline()) {
      s.add(i -> new PlanStep.TrainBaseline(i, spec.baseline()));
    }
    s.add(i -> new PlanStep.Evaluate(i, true));
    if (spec.model().replay() != null) {
      s.add(PlanStep.Replay::new);
    }
    ScheduleSpec schedule = spec.schedule();
    if (schedule instanceof ScheduleSpec.OneShot o) {
      switch (spec.prune().granularity()) {
        case CHANNEL -> {
          s.add(PlanStep.Rank::new);
          s.add(PlanStep.Prune::new);
        }
        case UNSTRUCTURED -> s.add(PlanStep.Mask::new);
        case NM -> s.add(PlanStep.NmMask::new);
      }
      s.tune(o.finetune());
    } else if (schedule instanceof ScheduleSpec.Layerwise l) {
      s.add(PlanStep.Rank::new);
      List<PerLayerCuts.Cut> cuts = PerLayerCuts.of(spec.prune().select(), graph);
      for (int k = 0; k < cuts.size(); k++) {
        PerLayerCuts.Cut c = cuts.get(k);
        int ordinal = k + 1;
        s.add(i -> new PlanStep.PruneGroup(i, c.group(), c.channelsBefore(), c.channelsAfter(), ordinal, cuts.size()));
        s.tune(l.perStep());
      }
      s.tune(l.finalTune());
    } else if (schedule instanceof ScheduleSpec.Stages st && st.sparsities() != null) {
      List<Double> sp = st.sparsities();
      for (int k = 0; k < sp.size(); k++) {
        int ordinal = k + 1;
        s.add(i -> new PlanStep.MaskToSparsity(i, ordinal, sp.size(), sp.get(ordinal - 1)));
        s.tune(st.perStage());
      }
    } else if (schedule instanceof ScheduleSpec.Stages st) {
      List<Double> r = st.flopsReductions();
      for (int k = 0; k < r.size(); k++) {
        int ordinal = k + 1;
        double reduction = r.get(k);
        s.add(PlanStep.Rank::new);
        s.add(i -> new PlanStep.PruneToFlops(i, ordinal, r.size(), reduction, graph.macs()));
        s.tune(st.perStage());
      }
    } else if (schedule instanceof ScheduleSpec.Gradual g) {
      s.add(i -> new PlanStep.GradualTune(i, g.finetune(), g.sparsityPerEpoch()));
    } else if (schedule instanceof ScheduleSpec.Slimming sl) {
      boolean points = spec.detects();
      if (sl.sparsityTraining().epochs() > 0) {
        s.add(i -> new PlanStep.SparsityTrain(i, sl.sparsityTraining()));
        if (points) {
          s.add(i -> new PlanStep.Evaluate(i, false));
        }
      }
      s.add(PlanStep.Slim::new);
      if (points && sl.finetune().epochs() > 0) {
        s.add(i -> new PlanStep.Evaluate(i, false));
      }
      s.tune(sl.finetune());
    } else if (schedule instanceof ScheduleSpec.Sensitivity se) {
      s.add(PlanStep.Sensitivity::new);
      s.add(PlanStep.PrunePerGroup::new);
      s.tune(se.finetune());
    } else if (schedule instanceof ScheduleSpec.Finetune f) {
      s.tune(f.finetune());
    }
    s.add(i -> new PlanStep.Evaluate(i, false));
    return new JobPlan(JobPlan.VERSION, jobId, spec, s.steps);
  }

  /** Numbers steps as they are added. */
  private static final class Steps {
    private final List<PlanStep> steps = new ArrayList<>();

    void add(IntFunction<PlanStep> step) {
      steps.add(step.apply(steps.size() + 1));
    }

    void tune(FitSpec fit) {
      if (fit.epochs() > 0) {
        add(i -> new PlanStep.Finetune(i, fit));
      }
    }
  }
}
