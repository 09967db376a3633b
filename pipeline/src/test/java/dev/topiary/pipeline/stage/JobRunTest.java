package dev.topiary.pipeline.stage;

import static dev.topiary.pipeline.stage.StageFixture.last;
import static dev.topiary.pipeline.stage.StageFixture.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.measure.ModelSize;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.sparse.SparsityMask;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.EventType;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.plan.JobFlow;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whole jobs through the four runners and a real S3 server, on tiny Fashion-MNIST slices. */
class JobRunTest extends StageTestBase {
  private static final String DATA = "dataset: {kind: fashion-mnist, trainLimit: 512, testLimit: 256, batchSize: 64}\n";
  private static final String LENET = "model: {zoo: lenet5}\nbaseline: {epochs: 1, optimizer: {lr: 0.05}}\n";

  @Test
  void oneShotL1HalvesTheFlopsAndReportsTheFiguresOfTheStoredModel() throws IOException {
    List<PipelineEvent> events = jobs.run("lenet-oneshot", "name: lenet-oneshot\n" + LENET + DATA
        + "prune: {criterion: l1, select: {targetFlopsReduction: 0.5}}\n"
        + "schedule: {mode: oneshot, finetune: {epochs: 1, optimizer: {lr: 0.01}}}\n"
        + "eval: {batchSizes: [1, 8]}\n");

    assertEquals(List.of(EventType.JOB_SUBMITTED, EventType.EPOCH_TUNED, EventType.MODEL_EVALUATED, EventType.RANK_COMPUTED,
        EventType.LAYER_PRUNED, EventType.EPOCH_TUNED, EventType.MODEL_EVALUATED), events.stream().map(PipelineEvent::type).toList());
    ModelEvaluated baseline = ofType(events, ModelEvaluated.class).get(0);
    ModelEvaluated result = last(events, ModelEvaluated.class);
    JobPlan plan = jobs.plan(result);
    assertTrue(JobFlow.finishesJob(plan, result));
    assertTrue(result.macs() <= baseline.macs() / 2, result.macs() + " MACs after, " + baseline.macs() + " before");
    assertTrue(result.params() < baseline.params());
    assertEquals(List.of("djl", "djl", "onnxruntime", "onnxruntime"), result.latency().stream().map(ModelEvaluated.Latency::runtime).toList(),
        "DJL on the listed device, then ONNX Runtime on the CPU, at the same batch sizes");
    assertEquals(List.of(1, 8, 1, 8), result.latency().stream().map(ModelEvaluated.Latency::batchSize).toList());
    assertTrue(result.latency().stream().allMatch(l -> l.device().equals("cpu") && l.medianMs() > 0 && l.p90Ms() >= l.medianMs()),
        result.latency().toString());
    assertEquals(4, baseline.latency().size(), "the original model is timed in both runtimes too");
    assertNull(baseline.baselineLatency(), "the baseline evaluation has no original beside it");
    assertEquals(baseline.artifacts().model(), baseline.artifacts().baseline(), "the baseline evaluation names the original for later steps");
    assertEquals(baseline.artifacts().model(), result.artifacts().baseline(), "carried through rank, prune and fine-tune");
    assertNotNull(result.baselineLatency(), "the final evaluation times the original in turns with the pruned model");
    assertEquals(result.latency().stream().map(l -> l.device() + l.runtime() + l.batchSize()).toList(),
        result.baselineLatency().stream().map(l -> l.device() + l.runtime() + l.batchSize()).toList());
    assertTrue(result.baselineLatency().stream().allMatch(l -> l.medianMs() > 0 && l.p90Ms() >= l.medianMs()), result.baselineLatency().toString());
    assertTrue(result.top1() > 0.1, "better than chance after training: " + result.top1());

    Model stored = f.model(result.artifacts().model(), "lenet-oneshot");
    assertEquals(stored.graph().parameterCount(), result.params());
    assertEquals(stored.graph().macs(), result.macs());
    Path folder = tmp.resolve("models/lenet-oneshot");
    ModelSize size = ModelSize.of(List.of(folder.resolve(Model.GRAPH_FILE), folder.resolve(Model.WEIGHTS_FILE)));
    assertEquals(size.rawBytes(), result.sizeBytes());
    assertEquals(size.zippedBytes(), result.zippedBytes());
    assertFalse(stored.history().isEmpty(), "the pruning steps travel with the model");

    LayerPruned cut = last(events, LayerPruned.class);
    assertEquals(result.macs(), cut.macsAfter(), "fine-tuning keeps the architecture");
    assertTrue(cut.groups().stream().allMatch(g -> g.channelsAfter() < g.channelsBefore()));
    RankComputed rank = last(events, RankComputed.class);
    assertEquals("l1", rank.criterion());
    assertEquals(rank.scores(), result.artifacts().scores(), "later steps carry the scores forward");
    assertTrue(f.store.exists(rank.scores().key()));
  }

  @Test
  void layerwiseCutsOneGroupPerStepWithADatasetFromTheStore() throws IOException {
    for (Path file : Files.list(DatasetCatalog.FASHION_MNIST_DEBIAN).toList()) {
      f.store.put("datasets/fmnist/" + file.getFileName(), file);
    }
    List<PipelineEvent> events = jobs.run("lenet-layerwise", "name: lenet-layerwise\n" + LENET
        + DATA.replace("kind: fashion-mnist", "kind: fashion-mnist, uri: 's3://" + StageFixture.BUCKET + "/datasets/fmnist'")
        + "prune: {criterion: l2, select: {compressRate: '[0.5]*2'}}\n"
        + "schedule: {mode: layerwise, perStep: {epochs: 1, optimizer: {lr: 0.01}}, finalTune: {epochs: 2, optimizer: {lr: 0.01}}}\n"
        + "eval: {batchSizes: [4]}\n");

    JobPlan plan = jobs.plan(last(events, ModelEvaluated.class));
    List<PlanStep.PruneGroup> planned = plan.steps().stream().filter(PlanStep.PruneGroup.class::isInstance)
        .map(PlanStep.PruneGroup.class::cast).toList();
    List<LayerPruned> cuts = ofType(events, LayerPruned.class);
    assertEquals(2, planned.size());
    assertEquals(planned.size(), cuts.size());
    for (int i = 0; i < cuts.size(); i++) {
      PlanStep.PruneGroup p = planned.get(i);
      assertEquals(List.of(new LayerPruned.GroupCut(p.group(), p.channelsBefore(), p.channelsAfter())), cuts.get(i).groups());
    }
    assertEquals(List.of("conv1", "conv2"), planned.stream().map(PlanStep.PruneGroup::group).toList());
    List<EpochTuned> epochs = ofType(events, EpochTuned.class);
    // baseline 1, after each cut 1, final 2 (epochs 1 and 2)
    assertEquals(List.of(1, 1, 1, 1, 2), epochs.stream().map(EpochTuned::epoch).toList());
    assertTrue(epochs.stream().allMatch(e -> e.learningRate() > 0 && e.trainAccuracy() >= 0 && e.valAccuracy() != null));
    assertEquals(epochs.get(2).artifacts().model(), epochs.get(3).artifacts().model(),
        "a progress event carries the step's input, the last epoch the trained model");
    ModelEvaluated result = last(events, ModelEvaluated.class);
    Model stored = f.model(result.artifacts().model(), "lenet-layerwise");
    assertEquals(3, stored.graph().paramShapes().get(new ParamKey("conv1", ParamRole.WEIGHT))[0], "6 - int(0.5 * 6)");
    assertEquals(8, stored.graph().paramShapes().get(new ParamKey("conv2", ParamRole.WEIGHT))[0], "16 - int(0.5 * 16)");
    assertEquals(cuts.get(1).paramsAfter(), result.params());
  }

  @Test
  void unstructuredAndGradualJobsStoreMasksThatTheResultKeeps() throws IOException {
    List<PipelineEvent> oneshot = jobs.run("lenet-sparse", "name: lenet-sparse\n" + LENET + DATA
        + "prune: {granularity: unstructured, select: {sparsityRules: 'Conv=0.5; Gemm=0.8'}}\n"
        + "schedule: {mode: oneshot, finetune: {epochs: 1, optimizer: {lr: 0.01}}}\neval: {batchSizes: [1]}\n");
    LayerPruned masked = last(oneshot, LayerPruned.class);
    assertNotNull(masked.artifacts().masks());
    assertTrue(masked.sparsity() > 0.5, "sparsity " + masked.sparsity());
    ModelEvaluated result = last(oneshot, ModelEvaluated.class);
    assertEquals(masked.artifacts().masks(), result.artifacts().masks());
    assertZeroWhereMasked(result, "lenet-sparse");
    assertEquals(ofType(oneshot, ModelEvaluated.class).get(0).macs(), result.macs(), "masks keep the architecture");

    List<PipelineEvent> gradual = jobs.run("lenet-gradual", "name: lenet-gradual\n" + LENET + DATA
        + "prune: {granularity: unstructured}\n"
        + "schedule: {mode: gradual, curve: agp, initialSparsity: 0.3, targetSparsity: 0.6, startEpoch: 0, endEpoch: 2,"
        + " interval: 1, finetune: {epochs: 3, optimizer: {lr: 0.01}, lrSchedule: {type: constant}}}\neval: {batchSizes: [1]}\n");
    List<EpochTuned> epochs = ofType(gradual, EpochTuned.class).subList(1, 4);
    assertEquals(0.3, epochs.get(0).sparsity(), 1e-9);
    assertEquals(0.6, epochs.get(2).sparsity(), 1e-9);
    assertNull(epochs.get(1).artifacts().masks(), "progress events carry the input, which had no masks");
    assertNotNull(epochs.get(2).artifacts().masks());
    assertZeroWhereMasked(last(gradual, ModelEvaluated.class), "lenet-gradual");
  }

  @Test
  void slimmingShrinksAResnetAndRefusesAPercentThatEmptiesAGroup() {
    String resnet = "model: {zoo: resnet20, inputShape: [1, 28, 28]}\nbaseline: {epochs: 1, optimizer: {lr: 0.1}}\n"
        + "dataset: {kind: fashion-mnist, trainLimit: 128, testLimit: 64, batchSize: 64}\nprune: {granularity: channel}\n"
        + "eval: {batchSizes: [1]}\n";
    List<PipelineEvent> events = jobs.run("resnet20-slim", "name: resnet20-slim\n" + resnet
        + "schedule: {mode: slimming, sr: 1.0e-3, sparsityTraining: {epochs: 1}, percent: 0.3, finetune: {epochs: 1}}\n");
    ModelEvaluated baseline = ofType(events, ModelEvaluated.class).get(0);
    ModelEvaluated result = last(events, ModelEvaluated.class);
    assertTrue(result.params() < baseline.params(), result.params() + " params after, " + baseline.params() + " before");
    assertTrue(result.macs() < baseline.macs());
    assertFalse(last(events, LayerPruned.class).groups().isEmpty());

    List<PipelineEvent> refused = jobs.run("resnet20-overslim", "name: resnet20-overslim\n" + resnet
        + "schedule: {mode: slimming, sparsityTraining: {epochs: 0}, percent: 0.99, finetune: {epochs: 0}}\n");
    JobFailed failed = last(refused, JobFailed.class);
    assertEquals("InvalidPruningConfigException", failed.errorType());
    assertTrue(failed.message().contains("largest percent allowed"), failed.message());
    assertEquals(Stage.PRUNE, failed.stage());
    assertEquals(failed, refused.get(refused.size() - 1), "nothing follows a failure");
  }

  private static void assertZeroWhereMasked(ModelEvaluated result, String name) throws IOException {
    Model model = f.model(result.artifacts().model(), name);
    Path file = f.store.get(result.artifacts().masks(), tmp.resolve(name + "-" + SparsityMask.FILE_NAME));
    SparsityMask mask = SparsityMask.read(file, model.graph());
    for (ParamKey k : mask.keys()) {
      boolean[] keep = mask.keep(k);
      float[] w = model.weights().get(k).data();
      for (int i = 0; i < w.length; i++) {
        if (!keep[i]) {
          assertTrue(w[i] == 0f, k + "[" + i + "] is masked but is " + w[i]);
        }
      }
    }
  }
}
