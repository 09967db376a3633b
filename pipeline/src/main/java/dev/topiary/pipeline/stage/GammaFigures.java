package dev.topiary.pipeline.stage;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.schedule.GammaHistogram;
import dev.topiary.pipeline.event.DetectionFigures;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.job.ScheduleSpec;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.pipeline.store.ModelRef;
import java.util.ArrayList;
import java.util.List;

/**
 * The |gamma| histogram an evaluation in a network-slimming job carries: the picture the seed's
 * user looks at to choose the threshold. The evaluation right after sparsity training draws the
 * model before it (the sparsity-training step's input, read from the completion event of the step
 * before, stored in its folder) and after it on shared bins, with the threshold the job's {@code
 * percent} gives; any other evaluation draws its own model, with the threshold only before the cut.
 */
final class GammaFigures {
  private GammaFigures() {}

  /** The histogram for this evaluation; null outside slimming or for a model without BatchNorm. */
  static DetectionFigures.GammaBins of(StepWork w, Model model) {
    if (!(w.plan.spec().schedule() instanceof ScheduleSpec.Slimming slimming)) {
      return null;
    }
    List<PlanStep> steps = w.plan.steps();
    int at = w.step.index() - 1; // this step's position in the list
    boolean afterSparsity = at >= 2 && steps.get(at - 1) instanceof PlanStep.SparsityTrain;
    boolean cut = steps.subList(0, at).stream().anyMatch(s -> s instanceof PlanStep.Slim);
    List<GammaHistogram> histograms = new ArrayList<>();
    if (afterSparsity) {
      histograms.add(GammaHistogram.of(modelEndingStep(w, steps.get(at - 2)), "before sparsity training"));
      histograms.add(GammaHistogram.of(model, JobPlan.AFTER_SPARSITY_TRAINING));
    } else {
      histograms.add(GammaHistogram.of(model, w.plan.evaluationPoint(w.step.index())));
    }
    GammaHistogram last = histograms.get(histograms.size() - 1);
    if (last.channels() == 0) {
      return null;
    }
    float max = GammaHistogram.sharedMax(histograms);
    List<DetectionFigures.GammaBins.Series> series = new ArrayList<>();
    for (GammaHistogram h : histograms) {
      int[] counts = h.counts(GammaHistogram.BINS, max);
      series.add(new DetectionFigures.GammaBins.Series(h.label(), h.channels(), java.util.Arrays.stream(counts).boxed().toList()));
    }
    Double threshold = cut ? null : (double) last.threshold(slimming.percent());
    return new DetectionFigures.GammaBins(max, threshold, series);
  }

  /** The model the completion event of {@code step} carries, read from the step's folder. */
  private static Model modelEndingStep(StepWork w, PlanStep step) {
    String key = Keys.step(w.plan.jobId(), step.index(), step.stage().id(), StageRunner.EVENT_FILE);
    ArtifactRef ref = w.store().find(key).orElseThrow(() -> new IllegalArgumentException("gamma: the histogram before sparsity training"
        + " needs the model step " + step.index() + " ended with, and " + key + " is not stored"));
    PipelineEvent event = EventCodec.fromBytes(w.store().getBytes(ref));
    ModelRef model = event instanceof StepEvent s ? s.artifacts().model() : null;
    if (model == null) {
      throw new IllegalArgumentException("gamma: the event of step " + step.index() + " (" + key + ") carries no model");
    }
    return StepWork.load(w.store().getModel(model, w.local("before-" + step.index())));
  }
}
