package dev.topiary.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanCompiler;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.plan.StepKind;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The sensitivity schedule and the replayed history in the spec: what each takes, what it refuses, and the plans they compile to. */
class SensitivityReplaySpecTest {
  private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  static final String SENSITIVITY = """
      name: t
      model: {zoo: resnet20, weights: {bucket: b, key: k/w.safetensors, sha256: %s, size: 1}}
      dataset: {kind: cifar10, uri: /d}
      prune: {criterion: l2}
      schedule: {mode: sensitivity, ratios: [0.25, 0.5, 0.75], maxAccuracyDrop: 0.02, targetFlopsReduction: 0.3, finetune: {epochs: 1}}
      """.formatted(SHA);
  static final String REPLAY = """
      name: t
      model:
        zoo: resnet20
        weights: {bucket: b, key: k/w.safetensors, sha256: %1$s, size: 1}
        replay: {graph: {bucket: b, key: jobs/j/07-finetune/graph.json, sha256: %1$s, size: 1},
                 history: {bucket: b, key: jobs/j/07-finetune/history.json, sha256: %1$s, size: 1}}
      dataset: {kind: cifar10, uri: /d}
      schedule: {mode: finetune, finetune: {epochs: 2}}
      """.formatted(SHA);

  static Stream<Arguments> cases() {
    return Stream.of(
        bad("sensitivity without a FLOPs target", SENSITIVITY.replace(" targetFlopsReduction: 0.3,", ""), "schedule.targetFlopsReduction",
            "required for mode sensitivity"),
        bad("sensitivity without a drop budget", SENSITIVITY.replace(" maxAccuracyDrop: 0.02,", ""), "schedule.maxAccuracyDrop",
            "required for mode sensitivity"),
        bad("a drop of 100%", SENSITIVITY.replace("maxAccuracyDrop: 0.02", "maxAccuracyDrop: 1.0"), "schedule.maxAccuracyDrop", "must be in (0, 1)"),
        bad("a target of 0", SENSITIVITY.replace("targetFlopsReduction: 0.3", "targetFlopsReduction: 0"), "schedule.targetFlopsReduction",
            "must be in (0, 1)"),
        bad("falling ratios", SENSITIVITY.replace("[0.25, 0.5, 0.75]", "[0.5, 0.25]"), "schedule.ratios[1]", "must rise strictly within (0, 1)"),
        bad("a ratio of 1", SENSITIVITY.replace("[0.25, 0.5, 0.75]", "[0.5, 1.0]"), "schedule.ratios[1]", "must rise strictly within (0, 1)"),
        bad("no ratio", SENSITIVITY.replace("[0.25, 0.5, 0.75]", "[]"), "schedule.ratios", "must list at least one ratio"),
        bad("no probe batch", SENSITIVITY.replace("finetune: {epochs: 1}", "probeBatches: 0, finetune: {epochs: 1}"), "schedule.probeBatches",
            "must be >= 1, got 0"),
        bad("a selection method beside the analysis", SENSITIVITY.replace("{criterion: l2}", "{criterion: l2, select: {globalRatio: 0.5}}"),
            "prune.select.globalRatio", "not used by mode sensitivity: schedule.targetFlopsReduction and maxAccuracyDrop set the cut"),
        bad("an excluded node", SENSITIVITY.replace("{criterion: l2}", "{criterion: l2, select: {exclude: [conv1]}}"),
            "prune.select.exclude", "the analysis probes every prunable group"),
        bad("sensitivity on masks", SENSITIVITY.replace("{criterion: l2}", "{granularity: unstructured}"), "schedule.mode",
            "sensitivity needs granularity channel"),
        bad("a replay without its history", REPLAY.replace(",\n           history: {bucket: b, key: jobs/j/07-finetune/history.json, sha256: "
            + SHA + ", size: 1}", ""), "model.replay.history", "required: the pruned model's history.json"),
        bad("a replay with an unknown part", REPLAY.replace("replay: {graph:", "replay: {weights: {bucket: b, key: w, sha256: " + SHA
            + ", size: 1}, graph:"), "model.replay.weights", "unknown field"),
        bad("finetune with nothing replayed", SENSITIVITY.replace("schedule: {mode: sensitivity, ratios: [0.25, 0.5, 0.75], maxAccuracyDrop: 0.02,"
            + " targetFlopsReduction: 0.3, finetune: {epochs: 1}}", "schedule: {mode: finetune, finetune: {epochs: 1}}").replace("prune: {criterion: l2}\n", ""),
            "schedule.mode", "finetune cuts nothing itself: it needs model.replay"),
        bad("finetune of no epoch", REPLAY.replace("epochs: 2", "epochs: 0"), "schedule.finetune.epochs", "must be >= 1, got 0"),
        bad("a criterion with nothing to rank", REPLAY + "prune: {criterion: l1}\n", "prune.criterion", "not used by mode finetune"),
        bad("layerwise after a replay", REPLAY.replace("schedule: {mode: finetune, finetune: {epochs: 2}}",
            "prune: {select: {compressRate: \"[0.5]*19\"}}\nschedule: {mode: layerwise, perStep: {epochs: 1}, finalTune: {epochs: 1}}"),
            "schedule.mode", "layerwise fixes each group's count from the graph at submission"));
  }

  private static Arguments bad(String what, String yaml, String path, String message) {
    return Arguments.of(what, yaml, path, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesWithTheFieldAndReason(String what, String yaml, String path, String message) {
    InvalidJobSpecException e = assertThrows(InvalidJobSpecException.class, () -> JobSpecs.parseYaml(yaml));
    List<SpecProblem> problems = e.problems();
    assertEquals(1, problems.size(), "exactly one problem expected, got " + problems);
    assertEquals(path, problems.get(0).path(), problems.toString());
    assertTrue(problems.get(0).message().contains(message), "message '" + problems.get(0).message() + "' lacks '" + message + "'");
  }

  @Test
  void sensitivityAnalysesThenCutsByItsChoiceThenTunes() {
    JobSpec spec = JobSpecs.parseYaml(SENSITIVITY);
    ScheduleSpec.Sensitivity s = (ScheduleSpec.Sensitivity) spec.schedule();
    assertEquals(List.of(0.25, 0.5, 0.75), s.ratios());
    assertEquals(ScheduleSpec.Sensitivity.DEFAULT_PROBE_BATCHES, s.probeBatches());
    assertEquals(List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
        ((ScheduleSpec.Sensitivity) JobSpecs.parseYaml(SENSITIVITY.replace(" ratios: [0.25, 0.5, 0.75],", "")).schedule()).ratios());
    assertEquals(spec, JobSpecs.parseJson(JobSpecs.toJson(spec)), "canonical JSON reads back equal");
    JobPlan plan = PlanCompiler.compile("j", spec);
    assertEquals(List.of(StepKind.EVALUATE, StepKind.SENSITIVITY, StepKind.PRUNE_PER_GROUP, StepKind.FINETUNE, StepKind.EVALUATE),
        plan.steps().stream().map(PlanStep::kind).toList());
  }

  @Test
  void aReplayComesRightAfterTheBaselineEvaluation() {
    JobSpec spec = JobSpecs.parseYaml(REPLAY);
    assertEquals("jobs/j/07-finetune/history.json", spec.model().replay().history().key());
    assertEquals(spec, JobSpecs.parseJson(JobSpecs.toJson(spec)), "canonical JSON reads back equal");
    assertEquals(List.of(StepKind.EVALUATE, StepKind.REPLAY, StepKind.FINETUNE, StepKind.EVALUATE),
        PlanCompiler.compile("j", spec).steps().stream().map(PlanStep::kind).toList());
    String oneshot = REPLAY.replace("schedule: {mode: finetune, finetune: {epochs: 2}}",
        "prune: {select: {globalRatio: 0.25}}\nschedule: {mode: oneshot, finetune: {epochs: 1}}");
    assertEquals(List.of(StepKind.EVALUATE, StepKind.REPLAY, StepKind.RANK, StepKind.PRUNE, StepKind.FINETUNE, StepKind.EVALUATE),
        PlanCompiler.compile("j", JobSpecs.parseYaml(oneshot)).steps().stream().map(PlanStep::kind).toList(), "a further cut after the replay");
  }
}
