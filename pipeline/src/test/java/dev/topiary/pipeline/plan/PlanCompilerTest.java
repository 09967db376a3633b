package dev.topiary.pipeline.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.job.InvalidJobSpecException;
import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.job.ScheduleSpec;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class PlanCompilerTest {
  static final List<String> SPECS = Specs.ALL;
  private static final String WEIGHTS = "  weights: {bucket: b, key: w.safetensors, sha256: "
      + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, size: 1}\n";

  private static String kinds(JobPlan plan) {
    return plan.steps().stream().map(s -> s.kind().id()).collect(Collectors.joining(" "));
  }

  @Test
  void layerwiseHrankResnet56PrunesEachGroupWithACutThenTunes() {
    JobPlan plan = Specs.plan("resnet56-hrank-layerwise.yaml");
    List<PlanStep.PruneGroup> cuts = plan.steps().stream().filter(s -> s instanceof PlanStep.PruneGroup).map(s -> (PlanStep.PruneGroup) s).toList();
    // 55 rates: 26 block-internal groups with a nonzero rate (layer3.0.conv1 has 0.0) and the 3 residual
    // groups (stem 16 -> 15; the channels stages 2 and 3 add, rated by layer2.0.conv2 and layer3.0.conv2)
    assertEquals(29, cuts.size());
    assertEquals(3 + 2 * 29 + 2, plan.steps().size());
    assertTrue(kinds(plan).startsWith("train-baseline evaluate rank prune-group finetune prune-group finetune "), kinds(plan));
    assertTrue(kinds(plan).endsWith("prune-group finetune finetune evaluate"), kinds(plan));
    assertEquals(new PlanStep.PruneGroup(4, "conv1", 16, 15, 1, 29), cuts.get(0));
    assertEquals(new PlanStep.PruneGroup(6, "layer1.0.conv1", 16, 7, 2, 29), cuts.get(1)); // 16 - int(0.6 * 16)
    assertEquals("layer2.0.conv2", cuts.get(11).group());
    assertEquals(new PlanStep.PruneGroup(4 + 2 * 24, "layer3.4.conv1", 64, 39, 25, 29), cuts.get(24)); // rate 0.4
    assertTrue(cuts.stream().noneMatch(c -> c.group().equals("layer3.0.conv1")), "rate 0.0 cuts nothing");
    PlanStep.Finetune last = (PlanStep.Finetune) plan.step(plan.steps().size() - 1);
    assertEquals(10, last.epochs());
    assertEquals(1, ((PlanStep.Finetune) plan.step(5)).epochs());
    assertEquals(new PlanStep.Evaluate(63, false), plan.lastStep());
  }

  @Test
  void givenWeightsSkipTheBaselineTraining() {
    String yaml = Specs.text("resnet56-hrank-layerwise.yaml")
        .replace("  inputShape: [3, 32, 32]\n", "  inputShape: [3, 32, 32]\n" + WEIGHTS)
        .replaceAll("(?s)baseline:.*?lrSchedule: \\{type: cosine}\n", "");
    JobPlan plan = PlanCompiler.compile("job-2", JobSpecs.parseYaml(yaml));
    assertEquals(new PlanStep.Evaluate(1, true), plan.step(1));
    assertEquals(new PlanStep.Rank(2), plan.step(2));
    assertEquals(2 + 2 * 29 + 2, plan.steps().size());
    assertTrue(plan.steps().stream().noneMatch(s -> s instanceof PlanStep.TrainBaseline));
  }

  @Test
  void zeroEpochsPerStepLeaveOutTheTuningBetweenCuts() {
    String yaml = Specs.text("resnet56-hrank-layerwise.yaml").replace("perStep: {epochs: 1,", "perStep: {epochs: 0,");
    JobPlan plan = PlanCompiler.compile("job-3", JobSpecs.parseYaml(yaml));
    assertEquals(3 + 29 + 2, plan.steps().size());
    assertEquals(1, plan.steps().stream().filter(s -> s instanceof PlanStep.Finetune).count());
  }

  @Test
  void oneShotRanksCutsAndTunes() {
    JobPlan plan = Specs.plan("resnet20-l1-oneshot.yaml");
    assertEquals("evaluate rank prune finetune evaluate", kinds(plan));
    assertEquals(List.of(Stage.EVAL, Stage.RANK, Stage.PRUNE, Stage.FINETUNE, Stage.EVAL), plan.steps().stream().map(PlanStep::stage).toList());
    assertEquals(2, ((PlanStep.Finetune) plan.step(4)).epochs());
  }

  @Test
  void stagesRerankBeforeEachCut() {
    JobPlan plan = Specs.plan("vgg16-taylor-stages.yaml");
    assertEquals("evaluate rank prune-to-flops finetune rank prune-to-flops finetune rank prune-to-flops finetune evaluate", kinds(plan));
    long macs = Zoo.build("vgg16-bn").macs();
    assertEquals(new PlanStep.PruneToFlops(3, 1, 3, 0.2, macs), plan.step(3));
    assertEquals(new PlanStep.PruneToFlops(9, 3, 3, 0.5, macs), plan.step(9));
  }

  @Test
  void slimmingTrainsSparseCutsByGammaAndTunes() {
    JobPlan plan = Specs.plan("resnet20-slimming.yaml");
    assertEquals("evaluate sparsity-train slim finetune evaluate", kinds(plan));
    assertEquals(3, ((PlanStep.SparsityTrain) plan.step(2)).epochs());
  }

  @Test
  void slimmingWithoutSparsityTrainingCutsTheModelAsItIs() {
    String yaml = Specs.text("resnet20-slimming.yaml").replace("sparsityTraining: {epochs: 3}", "sparsityTraining: {epochs: 0}");
    assertEquals("evaluate slim finetune evaluate", kinds(PlanCompiler.compile("job-4", JobSpecs.parseYaml(yaml))));
  }

  @Test
  void gradualIsOneTrainingRunWithRisingMasks() {
    JobPlan plan = Specs.plan("vgg16-gradual-agp.yaml");
    assertEquals("evaluate gradual-tune evaluate", kinds(plan));
    PlanStep.GradualTune g = (PlanStep.GradualTune) plan.step(2);
    assertEquals(8, g.sparsityPerEpoch().size());
    assertEquals(((ScheduleSpec.Gradual) plan.spec().schedule()).sparsityPerEpoch(), g.sparsityPerEpoch());
    assertEquals(0.8, g.sparsityPerEpoch().get(7), 1e-12);
  }

  @Test
  void unstructuredStagesMaskToEachSparsityThenTune() {
    JobPlan plan = Specs.plan("vgg16-unstructured-stages.yaml");
    assertEquals("evaluate mask-to-sparsity finetune mask-to-sparsity finetune mask-to-sparsity finetune evaluate", kinds(plan));
    assertEquals(new PlanStep.MaskToSparsity(2, 1, 3, 0.3), plan.step(2));
    assertEquals(new PlanStep.MaskToSparsity(6, 3, 3, 0.7), plan.step(6));
    assertEquals(Stage.PRUNE, plan.step(4).stage());
    String noTuning = Specs.text("vgg16-unstructured-stages.yaml").replace("epochs: 2", "epochs: 0");
    assertEquals("evaluate mask-to-sparsity mask-to-sparsity mask-to-sparsity evaluate", kinds(PlanCompiler.compile("job-6", JobSpecs.parseYaml(noTuning))));
  }

  @Test
  void unstructuredAndNmMaskThenTune() {
    assertEquals("evaluate mask finetune evaluate", kinds(Specs.plan("vgg16-unstructured-oneshot.yaml")));
    assertEquals("evaluate nm-mask finetune evaluate", kinds(Specs.plan("resnet20-nm-oneshot.yaml")));
  }

  @Test
  void aStoredGraphIsCheckedAgainstTheGraphTheCallerLoaded() {
    JobSpec spec = JobSpecs.parseJson(Specs.text("stored-graph-global-ratio.json"));
    assertThrows(IllegalStateException.class, () -> PlanCompiler.compile("job-5", spec), "no zoo graph to build");
    Graph uploaded = Zoo.build(ModelSpec.builder().setArch("resnet20").optInputShape(3, 64, 64).build());
    assertEquals("evaluate rank prune finetune evaluate", kinds(PlanCompiler.compile("job-5", spec, uploaded)));

    String hrank = Specs.text("stored-graph-global-ratio.json").replace("\"globalRatio\": 0.3", "\"compressRate\": \"[0.5]*13\"");
    JobSpec wrongLength = JobSpecs.parseJson(hrank);
    InvalidJobSpecException e = assertThrows(InvalidJobSpecException.class, () -> PlanCompiler.compile("job-5", wrongLength, uploaded));
    assertEquals("prune.select.compressRate: expected 19 rates for resnet20 (one per Conv), got 13", e.problems().get(0).toString());
  }

  @ParameterizedTest
  @FieldSource("SPECS")
  void planJsonRoundTrips(String name) {
    JobPlan plan = Specs.plan(name);
    String json = PlanJson.toJson(plan);
    assertEquals(plan, PlanJson.fromJson(json));
    assertEquals(plan, PlanJson.fromBytes(PlanJson.toBytes(plan)));
    assertTrue(json.contains("\"kind\" : \"evaluate\""), json);
    assertTrue(json.contains("\"stage\" : \"eval\""), json);
  }

  @Test
  void everyStepRecordIsAJsonSubtypeNamedAfterItsKind() {
    java.util.Set<Class<?>> records = new java.util.HashSet<>();
    leaves(PlanStep.class, records);
    assertEquals(StepKind.values().length, records.size());
    java.util.Set<Class<?>> declared = java.util.Arrays.stream(PlanStep.class.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class).value())
        .map(com.fasterxml.jackson.annotation.JsonSubTypes.Type::value).collect(Collectors.toSet());
    assertEquals(records, declared);
    for (Class<?> c : records) {
      String name = c.getAnnotation(com.fasterxml.jackson.annotation.JsonTypeName.class).value();
      assertEquals(c.getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(), StepKind.of(name).name(), c.getName());
    }
  }

  private static void leaves(Class<?> type, java.util.Set<Class<?>> out) {
    for (Class<?> c : type.getPermittedSubclasses()) {
      if (c.isRecord()) {
        out.add(c);
      } else {
        leaves(c, out);
      }
    }
  }

  @Test
  void planJsonRefusesANewerVersionAndBadSteps() {
    String json = PlanJson.toJson(Specs.plan("resnet20-l1-oneshot.yaml"));
    IllegalArgumentException newer = assertThrows(IllegalArgumentException.class, () -> PlanJson.fromJson(json.replaceFirst("\"version\" : 1", "\"version\" : 2")));
    assertEquals("version: plan version 2 is newer than this reader understands (1)", newer.getMessage());
    IllegalArgumentException gap = assertThrows(IllegalArgumentException.class, () -> PlanJson.fromJson(json.replace("\"index\" : 3", "\"index\" : 7")));
    assertTrue(gap.getMessage().contains("steps[2].index: expected 3, got 7"), gap.getMessage());
    IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> PlanJson.fromJson(json.replace("\"kind\" : \"prune\"", "\"kind\" : \"trim\"")));
    assertTrue(kind.getMessage().contains("trim"), kind.getMessage());
  }

  @Test
  void aPlanEndsWithTheFinalEvaluationAndMeasuresNoModelTwice() {
    JobSpec spec = Specs.spec("resnet20-l1-oneshot.yaml");
    assertThrows(IllegalArgumentException.class, () -> new JobPlan(1, "job-6", spec, List.of(new PlanStep.Rank(1))));
    assertThrows(IllegalArgumentException.class,
        () -> new JobPlan(1, "job-6", spec, List.of(new PlanStep.Evaluate(1, false), new PlanStep.Evaluate(2, false))));
    JobPlan ok = new JobPlan(1, "job-6", spec, List.of(new PlanStep.Evaluate(1, true), new PlanStep.Evaluate(2, false)));
    assertInstanceOf(PlanStep.Evaluate.class, ok.lastStep());
    assertFalse(((PlanStep.Evaluate) ok.step(1)).baseline() == ((PlanStep.Evaluate) ok.step(2)).baseline());
    assertThrows(IllegalArgumentException.class, () -> new JobPlan(1, "job-6", spec, List.of(new PlanStep.Evaluate(1, true),
        new PlanStep.Evaluate(2, false), new PlanStep.Evaluate(3, false))));
    assertThrows(IllegalArgumentException.class, () -> new JobPlan(1, "job-6", spec, List.of(new PlanStep.Evaluate(1, true),
        new PlanStep.Evaluate(2, false), new PlanStep.Rank(3))));
  }
}
