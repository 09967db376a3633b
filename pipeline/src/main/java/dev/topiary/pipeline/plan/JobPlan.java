package dev.topiary.pipeline.plan;

import dev.topiary.pipeline.event.JobIds;
import dev.topiary.pipeline.job.JobSpec;
import java.util.List;

/**
 * A compiled job: the spec and the ordered steps that carry it out. Immutable; stored once as
 * {@code plan.json} and referenced by every step event, so every service sees the same plan.
 *
 * <p>Invariants: {@code steps.get(i).index() == i + 1}; the last step is the final {@link
 * PlanStep.Evaluate} (not a baseline one); the job is done when that step is. Evaluations between
 * (a detection job's slimming measures after sparsity training and after the cut) are not baselines
 * either; such an evaluation never comes first or right after another such one; a baseline
 * evaluation never ends the plan.
 *
 * @param version the plan format version, {@link #VERSION}
 */
public record JobPlan(int version, String jobId, JobSpec spec, List<PlanStep> steps) {
  public static final int VERSION = 1;

  public JobPlan {
    if (version != VERSION) {
      throw new IllegalArgumentException("version: plan version " + version + " is not " + VERSION);
    }
    JobIds.check(jobId);
    if (spec == null) {
      throw new IllegalArgumentException("spec: required");
    }
    if (steps == null || steps.isEmpty()) {
      throw new IllegalArgumentException("steps: a plan has at least one step");
    }
    steps = List.copyOf(steps);
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).index() != i + 1) {
        throw new IllegalArgumentException("steps[" + i + "].index: expected " + (i + 1) + ", got " + steps.get(i).index());
      }
      boolean finalEval = steps.get(i) instanceof PlanStep.Evaluate e && !e.baseline();
      if (i == steps.size() - 1 && !finalEval) {
        throw new IllegalArgumentException("steps[" + i + "]: the last step must be the final evaluation");
      }
      if (finalEval && (i == 0 || steps.get(i - 1) instanceof PlanStep.Evaluate before && !before.baseline())) {
        throw new IllegalArgumentException("steps[" + i + "]: an evaluation after the baseline cannot come first or right after another"
            + " such evaluation (it would measure the same model twice)");
      }
    }
  }

  /**
   * The step with this index.
   *
   * @throws IllegalArgumentException naming the valid range
   */
  public PlanStep step(int index) {
    if (index < 1 || index > steps.size()) {
      throw new IllegalArgumentException("stepIndex: the plan of job " + jobId + " has steps 1 to " + steps.size() + ", got " + index);
    }
    return steps.get(index - 1);
  }

  /** How reports name the points a plan measures. */
  public static final String BASELINE = "baseline";
  public static final String AFTER_SPARSITY_TRAINING = "after sparsity training";
  public static final String AFTER_THE_CUT = "after the cut";
  public static final String AFTER_FINE_TUNING = "after fine-tuning";
  public static final String FINAL = "final";

  /**
   * What the evaluation step {@code index} measures, named for reports by the step before it:
   * {@value #BASELINE}, {@value #AFTER_SPARSITY_TRAINING}, {@value #AFTER_THE_CUT}, {@value
   * #AFTER_FINE_TUNING}, else (the last step) {@value #FINAL}; null for a step that is no evaluation.
   */
  public String evaluationPoint(int index) {
    if (!(step(index) instanceof PlanStep.Evaluate e)) {
      return null;
    }
    if (e.baseline()) {
      return BASELINE;
    }
    PlanStep before = step(index - 1);
    if (before instanceof PlanStep.SparsityTrain) {
      return AFTER_SPARSITY_TRAINING;
    }
    if (before.stage() == dev.topiary.pipeline.event.Stage.PRUNE) {
      return AFTER_THE_CUT;
    }
    return before instanceof PlanStep.Finetune ? AFTER_FINE_TUNING : FINAL;
  }

  /** The final evaluation. */
  public PlanStep lastStep() {
    return steps.get(steps.size() - 1);
  }
}
