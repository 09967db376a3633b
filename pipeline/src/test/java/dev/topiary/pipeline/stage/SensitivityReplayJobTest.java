package dev.topiary.pipeline.stage;

import static dev.topiary.pipeline.stage.StageFixture.last;
import static dev.topiary.pipeline.stage.StageFixture.ofType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.Surgery;
import dev.topiary.engine.prune.importance.ScoresFile;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.prune.sensitivity.SensitivityCurve;
import dev.topiary.engine.prune.sensitivity.SensitivityFile;
import dev.topiary.engine.prune.sensitivity.SensitivityPlanner;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import dev.topiary.pipeline.event.EventType;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ModelRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sensitivity jobs and replayed histories run whole through the four runners on tiny Fashion-MNIST slices. */
class SensitivityReplayJobTest extends StageTestBase {
  private static final String DATA = "dataset: {kind: fashion-mnist, trainLimit: 512, testLimit: 256, batchSize: 64}\n";
  private static final String LENET = "model: {zoo: lenet5}\nbaseline: {epochs: 1, optimizer: {lr: 0.05}}\n" + DATA;
  private static final double TARGET = 0.3;
  private static final double MAX_DROP = 0.25;

  @Test
  void sensitivityCutsEachGroupAsThePlannerChoseAndMeetsTheFlopsTargetWithinTheDrop() {
    List<PipelineEvent> events = jobs.run("lenet-sensitivity", "name: lenet-sensitivity\n" + LENET + "prune: {criterion: l1}\n"
        + "schedule: {mode: sensitivity, ratios: [0.25, 0.5, 0.75], maxAccuracyDrop: " + MAX_DROP + ", targetFlopsReduction: " + TARGET
        + ", probeBatches: 2, finetune: {epochs: 1, optimizer: {lr: 0.01}}}\neval: {batchSizes: [1]}\n");
    assertEquals(List.of(EventType.JOB_SUBMITTED, EventType.EPOCH_TUNED, EventType.MODEL_EVALUATED, EventType.RANK_COMPUTED,
        EventType.LAYER_PRUNED, EventType.EPOCH_TUNED, EventType.MODEL_EVALUATED), events.stream().map(PipelineEvent::type).toList());
    RankComputed analysis = last(events, RankComputed.class);
    RankComputed.Sensitivity figures = analysis.sensitivity();
    assertNotNull(figures, "the analysis step's event cites its curves and plot");
    SensitivityFile file = SensitivityFile.fromBytes(f.store.getBytes(figures.curves()), figures.curves().key());
    assertEquals(128, file.probeImages(), "2 probe batches of 64");
    assertTrue(new String(f.store.getBytes(figures.plot()), StandardCharsets.UTF_8).startsWith("<svg"));
    assertEquals(file.result().curves().size(), analysis.groups(), "every prunable group of LeNet-5 probed");
    assertTrue(file.result().curves().stream().allMatch(c -> c.points().size() == 3), "one point per ratio");

    // the planner's own choice, recomputed from the stored curves and scores, is the cut made
    Model analysed = f.model(ofType(events, ModelEvaluated.class).get(0).artifacts().model(), "sensitivity-baseline");
    DependencyGraph deps = DependencyGraph.of(analysed.graph());
    Map<Integer, float[]> scores = ScoresFile.fromBytes(f.store.getBytes(analysis.scores()), "scores").scoresFor(deps);
    PruningPlan planned = SensitivityPlanner.plan(file.result(), deps, scores, TARGET, MAX_DROP);
    LayerPruned cut = last(events, LayerPruned.class);
    List<LayerPruned.GroupCut> expected = planned.entries().stream().filter(e -> e.removed().length > 0)
        .map(e -> new LayerPruned.GroupCut(e.groupName(), e.units(), e.kept())).toList();
    assertFalse(expected.isEmpty());
    assertEquals(expected, cut.groups());
    assertEquals(planned.macsAfter(), cut.macsAfter());
    assertEquals(expected.size(), figures.groupsCut());

    // the FLOPs target is met, and no group's ratio costs more than the budget on its own curve
    assertTrue(figures.macsReduction() >= TARGET, "removes " + figures.macsReduction());
    assertTrue(cut.macsAfter() <= analysed.graph().macs() * (1 - TARGET), cut.macsAfter() + " of " + analysed.graph().macs());
    for (SensitivityFile.Group g : file.choice().groups()) {
      SensitivityCurve curve = file.result().curves().stream().filter(c -> c.groupName().equals(g.name())).findFirst().orElseThrow();
      assertTrue(g.ratio() <= curve.ratioWithin(MAX_DROP) + 1e-9, g + " beyond its budget " + curve.ratioWithin(MAX_DROP));
    }
    ModelEvaluated result = last(events, ModelEvaluated.class);
    assertEquals(cut.macsAfter(), result.macs(), "fine-tuning keeps the chosen architecture");
  }

  @Test
  void aTargetTheBudgetCannotReachFailsTheAnalysisSayingWhatItReaches() {
    List<PipelineEvent> events = jobs.run("lenet-sensitivity-tight", "name: lenet-sensitivity-tight\n" + LENET + "prune: {criterion: l1}\n"
        + "schedule: {mode: sensitivity, ratios: [0.5], maxAccuracyDrop: 0.0001, targetFlopsReduction: 0.95, probeBatches: 1,"
        + " finetune: {epochs: 1}}\neval: {batchSizes: [1]}\n");
    JobFailed failed = last(events, JobFailed.class);
    assertEquals(Stage.RANK, failed.stage());
    assertTrue(failed.message().contains("out of reach within an accuracy drop of 0.01 points per group: that budget reaches"), failed.message());
    assertEquals(failed, events.get(events.size() - 1), "nothing follows a failure");
  }

  @Test
  void aReplayedHistoryCutsTheCheckpointToTheHistorysWidthsKeepingTheCheckpointsWeights() throws IOException {
    Graph lenet = Zoo.build("lenet5");
    Model pruned = prunedLenet(Fitter.initialised(lenet, 1));
    ModelRef history = upload(pruned, "uploads/local/models/pruned");
    Model checkpoint = Fitter.initialised(lenet, 2); // another checkpoint of the same architecture
    ModelRef onto = upload(checkpoint, "uploads/local/models/checkpoint");

    List<PipelineEvent> events = jobs.run("lenet-replay", "name: lenet-replay\nmodel:\n  graph: " + ref(onto.graph()) + "\n  weights: "
        + ref(onto.weights()) + "\n  replay: {graph: " + ref(history.graph()) + ", history: " + ref(history.history()) + "}\n" + DATA
        + "schedule: {mode: finetune, finetune: {epochs: 1, optimizer: {lr: 0.01}}}\neval: {batchSizes: [1]}\n");
    assertEquals(List.of(EventType.JOB_SUBMITTED, EventType.MODEL_EVALUATED, EventType.LAYER_PRUNED, EventType.EPOCH_TUNED,
        EventType.MODEL_EVALUATED), events.stream().map(PipelineEvent::type).toList());
    assertEquals(checkpoint.graph().macs(), ofType(events, ModelEvaluated.class).get(0).macs(), "the baseline is the checkpoint");
    LayerPruned replay = last(events, LayerPruned.class);
    assertEquals(List.of(new LayerPruned.GroupCut("conv1", 6, 4), new LayerPruned.GroupCut("conv2", 16, 13)), replay.groups());
    assertEquals(pruned.graph().macs(), replay.macsAfter());

    Model replayed = f.model(replay.artifacts().model(), "replayed");
    assertEquals(pruned.graph().paramShapes().keySet(), replayed.graph().paramShapes().keySet());
    pruned.graph().paramShapes().forEach((k, shape) -> assertArrayEquals(shape, replayed.graph().paramShapes().get(k), k.toString()));
    Model expected = Surgery.replay(checkpoint, pruned.history());
    ParamKey conv2 = ParamKey.parse("conv2.weight");
    assertArrayEquals(expected.weights().get(conv2).data(), replayed.weights().get(conv2).data(), "the checkpoint's weights, cut");
    assertFalse(java.util.Arrays.equals(pruned.weights().get(conv2).data(), replayed.weights().get(conv2).data()), "not the pruned model's");
    assertEquals(pruned.history(), replayed.history(), "the replayed steps are the model's history now");
    assertEquals(pruned.graph().macs(), last(events, ModelEvaluated.class).macs());
  }

  @Test
  void aCheckpointOfAnotherArchitectureFailsTheReplayStepNamingTheNode() throws IOException {
    ModelRef history = upload(prunedLenet(Fitter.initialised(Zoo.build("lenet5"), 1)), "uploads/local/models/pruned-10");
    Graph twelve = Zoo.build(ModelSpec.builder().setArch("lenet5").optNumClasses(12).build());
    ModelRef onto = upload(Fitter.initialised(twelve, 3), "uploads/local/models/twelve");
    List<PipelineEvent> events = jobs.run("lenet-replay-other", "name: lenet-replay-other\nmodel:\n  graph: " + ref(onto.graph())
        + "\n  weights: " + ref(onto.weights()) + "\n  replay: {graph: " + ref(history.graph()) + ", history: " + ref(history.history()) + "}\n"
        + DATA + "schedule: {mode: finetune, finetune: {epochs: 1}}\neval: {batchSizes: [1]}\n");
    JobFailed failed = last(events, JobFailed.class);
    assertEquals(Stage.PRUNE, failed.stage());
    assertEquals(2, failed.stepIndex(), "the replay step, after the baseline evaluation");
    assertTrue(failed.message().contains("model.replay.history: node 'fc3' outputs [12] after the history on the checkpoint but [10]"),
        failed.message());
  }

  /** LeNet-5 with conv1's channels 0 and 2 and three of conv2's removed: a two-step history. */
  static Model prunedLenet(Model m) {
    DependencyGraph d = DependencyGraph.of(m.graph());
    Model once = Surgery.prune(m, d, d.groupOf("conv1"), new int[] {0, 2}, "test conv1");
    DependencyGraph d2 = DependencyGraph.of(once.graph());
    return Surgery.prune(once, d2, d2.groupOf("conv2"), new int[] {1, 5, 9}, "test conv2");
  }

  private static ModelRef upload(Model m, String prefix) throws IOException {
    Path dir = tmp.resolve(prefix.replace('/', '-'));
    m.save(dir);
    return f.store.putModel(prefix + "/", dir);
  }

  private static String ref(ArtifactRef r) {
    return "{bucket: " + r.bucket() + ", key: " + r.key() + ", sha256: '" + r.sha256() + "', size: " + r.size() + "}";
  }
}
