package dev.topiary.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What one job may ask of the services: bounds on the spec, and its memory estimated from the graph. */
class JobLimitsTest {
  private static final String SPEC = "name: limits\nmodel: {zoo: resnet20, inputShape: [1, 28, 28]}\nbaseline: {epochs: 4}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: 8000, testLimit: 2000, batchSize: 128}\n"
      + "prune: {criterion: l1, select: {targetFlopsReduction: 0.4}}\n"
      + "schedule: {mode: oneshot, finetune: {epochs: 3}}\neval: {batchSizes: [1, 32]}\n";

  @Test
  void theDemoJobFitsTheDefaultBudgetsWithRoomToSpare() {
    JobSpec spec = JobSpecs.parseYaml(SPEC);
    Graph graph = JobSpecs.zooGraph(spec);
    assertEquals(List.of(), JobLimits.DEFAULT.specProblems(spec));
    assertEquals(List.of(), JobLimits.DEFAULT.graphProblems(spec, graph));
    JobLimits.Footprint f = JobLimits.footprint(spec, graph);
    assertTrue(f.finetune() < JobLimits.DEFAULT.finetuneMemoryBytes() / 4, JobLimits.size(f.finetune()));
  }

  @Test
  void theEstimateCountsEveryActivationAtTheBatchSizeAndTheStateOfEveryWeight() {
    JobSpec spec = JobSpecs.parseYaml(SPEC);
    Graph graph = JobSpecs.zooGraph(spec);
    long perSample = graph.shape(graph.inputs().get(0).name()).size();
    for (Node n : graph.nodes()) {
      perSample += graph.shape(n.name()).size();
    }
    JobLimits.Footprint f = JobLimits.footprint(spec, graph);
    assertEquals(perSample, f.valuesPerSample());
    assertEquals(perSample * 128 * 4 * 2, f.training(), "forward values kept for backward, and their gradients, in float32");
    assertEquals(graph.parameterCount() * 4 * 4, f.state(), "weights, gradients, momentum, kept copy");
    assertEquals(perSample * 128 * 4, f.inference(), "the dataset's batch is larger than the largest evaluation batch");
    assertEquals((8000 + 2000) * 784 + 1 * 28 * 28 * 4 * 128 * 7, f.data(), "raw pixels held, batches in flight");

    JobLimits.Footprint doubled = JobLimits.footprint(JobSpecs.parseYaml(SPEC.replace("batchSize: 128", "batchSize: 256")), graph);
    assertEquals(2 * f.training(), doubled.training());
  }

  @Test
  void refusesTheIssuesPoisonInputBeforeAnyGraphIsBuilt() {
    JobSpec spec = JobSpecs.parseYaml(SPEC.replace("inputShape: [1, 28, 28]", "inputShape: [3, 100000, 100000]"));
    List<SpecProblem> problems = JobLimits.DEFAULT.specProblems(spec);
    assertEquals(List.of(new SpecProblem("model.inputShape", "an input of 100000 x 100000 is 10,000,000,000 pixels, more than "
        + "this gateway accepts (16,777,216, topiary.gateway.limits.max-input-pixels)")), problems);
  }

  @Test
  void refusesAJobThatDoesNotFitAServicesMemoryNamingTheFieldAndTheFigures() {
    JobSpec spec = JobSpecs.parseYaml(SPEC.replace("inputShape: [1, 28, 28]", "inputShape: [1, 1024, 1024]"));
    List<SpecProblem> problems = JobLimits.DEFAULT.graphProblems(spec, JobSpecs.zooGraph(spec));
    assertEquals("model.inputShape", problems.get(0).path());
    assertTrue(problems.get(0).message().matches("training this job needs about [0-9.]+ GiB in the fine-tune service \\([0-9.]+ GiB of "
        + "activations at batch 128: [0-9,]+ values per sample; .*\\), more than its budget of 12.0 GiB "
        + "\\(topiary.gateway.limits.finetune-memory-mib\\); lower dataset.batchSize or the input size"), problems.get(0).message());

    JobSpec wideEval = JobSpecs.parseYaml(SPEC.replace("batchSizes: [1, 32]", "batchSizes: [1, 4096]"));
    JobLimits tight = new JobLimits(1000, 4096, 1 << 24, 12L << 30, 256L << 20);
    List<SpecProblem> eval = tight.graphProblems(wideEval, JobSpecs.zooGraph(wideEval));
    assertEquals(1, eval.size(), eval.toString());
    assertEquals("eval.batchSizes", eval.get(0).path());
    assertTrue(eval.get(0).message().contains("at batch 4096") && eval.get(0).message().contains("budget of 256 MiB"), eval.get(0).message());

    JobSpec noShape = JobSpecs.parseYaml(SPEC.replace(", inputShape: [1, 28, 28]", "").replace("batchSize: 128", "batchSize: 4096"));
    JobLimits small = new JobLimits(1000, 4096, 1 << 24, 512L << 20, 6L << 30);
    List<SpecProblem> batch = small.graphProblems(noShape, JobSpecs.zooGraph(noShape));
    assertEquals("dataset.batchSize", batch.get(0).path(), "no input shape in the spec: the batch size is the lever");
  }

  @Test
  void boundsTheEpochsOfEveryFitAndTheBatchSize() {
    JobSpec spec = JobSpecs.parseYaml(SPEC.replace("baseline: {epochs: 4}", "baseline: {epochs: 2000}")
        .replace("finetune: {epochs: 3}", "finetune: {epochs: 1001}").replace("batchSize: 128", "batchSize: 5000"));
    List<SpecProblem> problems = JobLimits.DEFAULT.specProblems(spec);
    assertEquals(List.of("baseline.epochs", "schedule.finetune.epochs", "dataset.batchSize"), problems.stream().map(SpecProblem::path).toList());
    assertEquals("2000 epochs is more than this gateway accepts (1000, topiary.gateway.limits.max-epochs)", problems.get(0).message());
  }
}
