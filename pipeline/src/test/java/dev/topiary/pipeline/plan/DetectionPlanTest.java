package dev.topiary.pipeline.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.pipeline.job.JobSpecs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A detection job's slimming plan measures the seed's four points; a classification plan keeps its shape. */
class DetectionPlanTest {
  static final String SPEC = """
      name: det
      task: detection
      model: {zoo: yolov5n, numClasses: 10, inputShape: [3, 64, 64]}
      baseline: {epochs: 2}
      dataset: {kind: generated, train: 24, val: 8, size: 64}
      prune: {granularity: channel}
      schedule: {mode: slimming, sparsityTraining: {epochs: 3}, percent: 0.5, finetune: {epochs: 4}}
      """;

  private static List<String> kinds(JobPlan plan) {
    return plan.steps().stream().map(s -> s.kind().id() + (s instanceof PlanStep.Evaluate e && e.baseline() ? "(baseline)" : "")).toList();
  }

  @Test
  void evaluatesAtTheSeedsFourPoints() {
    JobPlan plan = PlanCompiler.compile("det-1", JobSpecs.parseYaml(SPEC));
    assertEquals(List.of("train-baseline", "evaluate(baseline)", "sparsity-train", "evaluate", "slim", "evaluate", "finetune", "evaluate"),
        kinds(plan));
    assertEquals(PlanJson.fromJson(PlanJson.toJson(plan)), plan, "the plan reads back with its middle evaluations");
  }

  @Test
  void leavesOutAPointThatWouldMeasureTheSameModelTwice() {
    JobPlan noSparsity = PlanCompiler.compile("det-2", JobSpecs.parseYaml(SPEC.replace("sparsityTraining: {epochs: 3}", "sparsityTraining: {epochs: 0}")));
    assertEquals(List.of("train-baseline", "evaluate(baseline)", "slim", "evaluate", "finetune", "evaluate"), kinds(noSparsity));
    JobPlan noTune = PlanCompiler.compile("det-3", JobSpecs.parseYaml(SPEC.replace("finetune: {epochs: 4}", "finetune: {epochs: 0}")));
    assertEquals(List.of("train-baseline", "evaluate(baseline)", "sparsity-train", "evaluate", "slim", "evaluate"), kinds(noTune));
  }

  @Test
  void keepsAClassificationSlimmingPlanAsItWas() {
    JobSpec spec = Specs.spec("resnet20-slimming.yaml");
    assertEquals(List.of("evaluate(baseline)", "sparsity-train", "slim", "finetune", "evaluate"), kinds(PlanCompiler.compile("cls-1", spec)));
  }

  @Test
  void plansL1OneShotOnADetectorAsForAClassifier() {
    JobPlan plan = PlanCompiler.compile("det-4", JobSpecs.parseYaml(SPEC.replace("prune: {granularity: channel}", "prune: {criterion: l1, select: {globalRatio: 0.3}}")
        .replace("{mode: slimming, sparsityTraining: {epochs: 3}, percent: 0.5, finetune: {epochs: 4}}", "{mode: oneshot, finetune: {epochs: 1}}")));
    assertEquals(List.of("train-baseline", "evaluate(baseline)", "rank", "prune", "finetune", "evaluate"), kinds(plan));
    assertTrue(plan.spec().detects());
  }
}
