package dev.topiary.pipeline.stage;

import static dev.topiary.pipeline.stage.StageFixture.last;
import static dev.topiary.pipeline.stage.StageFixture.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.sparse.MagnitudePruner;
import dev.topiary.engine.prune.sparse.SparsityMask;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.EventType;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.job.ScheduleSpec;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.store.ArtifactRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The unstructured workflows as whole jobs (issue 17): gradual sparsity with per-layer rules,
 * Paddle's static stages, and 2:4 with fine-tuning, through the four runners and a real S3 server
 * on tiny Fashion-MNIST slices.
 */
class SparseJobRunTest extends StageTestBase {
  private static final String DATA = "dataset: {kind: fashion-mnist, trainLimit: 512, testLimit: 256, batchSize: 64}\n";
  private static final String LENET = "model: {zoo: lenet5}\nbaseline: {epochs: 1, optimizer: {lr: 0.05}}\n";

  @Test
  void gradualRulesBringEachLayerToItsOwnTargetAlongOneCurve() throws IOException {
    List<PipelineEvent> events = jobs.run("lenet-gradual-rules", "name: lenet-gradual-rules\n" + LENET + DATA
        + "prune: {granularity: unstructured, select: {sparsityRules: 'Conv[1]=0.2; Gemm=0.9; Gemm[3]=0'}}\n"
        + "schedule: {mode: gradual, curve: log, targetSparsity: 0.6, startEpoch: 0, endEpoch: 2, interval: 1,"
        + " finetune: {epochs: 3, optimizer: {lr: 0.01}, lrSchedule: {type: constant}}}\neval: {batchSizes: [1]}\n");

    ModelEvaluated result = last(events, ModelEvaluated.class);
    Model model = f.model(result.artifacts().model(), "lenet-gradual-rules");
    SparsityMask mask = masks(result.artifacts().masks(), model, "lenet-gradual-rules");
    // conv2 and fc1 take targetSparsity, the others their rules; fc3 (Gemm[3]) is kept dense by its rule of 0
    Map<String, Double> targets = Map.of("conv1", 0.2, "conv2", 0.6, "fc1", 0.9, "fc2", 0.9, "fc3", 0.0);
    assertEquals(targets.keySet(), nodes(mask));
    long pruned = 0;
    long weights = 0;
    for (ParamKey k : mask.keys()) {
      long n = mask.keep(k).length;
      assertEquals(MagnitudePruner.zerosFor(n, targets.get(k.node())), mask.pruned(k), k + " at " + targets.get(k.node()) + " of " + n);
      pruned += mask.pruned(k);
      weights += n;
    }
    assertZeroWhereMasked(model, mask);

    List<EpochTuned> epochs = ofType(events, EpochTuned.class).subList(1, 4);
    double last = epochs.get(2).sparsity();
    assertEquals((double) pruned / weights, last, 1e-12, "the last epoch reports the share of all Conv and Gemm weights masked");
    JobPlan plan = jobs.plan(result);
    List<Double> curve = ((PlanStep.GradualTune) plan.steps().stream().filter(PlanStep.GradualTune.class::isInstance).findFirst()
        .orElseThrow()).sparsityPerEpoch();
    assertEquals(0.6, curve.get(2), 1e-12);
    for (int e = 0; e < 2; e++) {
      double share = curve.get(e) / 0.6;
      assertTrue(share > 0 && share < 1, "the log curve is part of the way at epoch " + e + ": " + share);
      // every layer at the same point of the curve: the total follows it, within each layer's rounding down
      assertEquals(share * last, epochs.get(e).sparsity(), 0.005, "epoch " + e);
    }
    assertTrue(epochs.get(0).sparsity() < epochs.get(1).sparsity() && epochs.get(1).sparsity() < last, epochs.toString());
  }

  @Test
  void paddleStaticStagesMaskFinetuneAndKeepEarlierZeros() throws IOException {
    List<Double> sparsities = List.of(0.3, 0.5, 0.7);
    List<PipelineEvent> events = jobs.run("lenet-static-stages", "name: lenet-static-stages\n" + LENET + DATA
        + "prune: {granularity: unstructured}\n"
        + "schedule: {mode: stages, sparsities: [0.3, 0.5, 0.7], perStage: {epochs: 1, optimizer: {lr: 0.01}}}\neval: {batchSizes: [1]}\n");

    List<EventType> stage = List.of(EventType.LAYER_PRUNED, EventType.EPOCH_TUNED);
    List<EventType> expected = new ArrayList<>(List.of(EventType.JOB_SUBMITTED, EventType.EPOCH_TUNED, EventType.MODEL_EVALUATED));
    sparsities.forEach(s -> expected.addAll(stage));
    expected.add(EventType.MODEL_EVALUATED);
    assertEquals(expected, events.stream().map(PipelineEvent::type).toList(), "each stage is a mask step and a fine-tune step");
    ModelEvaluated baseline = ofType(events, ModelEvaluated.class).get(0);
    ModelEvaluated result = last(events, ModelEvaluated.class);
    assertTrue(jobs.plan(result).steps().stream().filter(PlanStep.MaskToSparsity.class::isInstance).count() == 3);

    List<LayerPruned> cuts = ofType(events, LayerPruned.class);
    List<EpochTuned> tunes = ofType(events, EpochTuned.class).subList(1, 4);
    SparsityMask before = null;
    for (int i = 0; i < cuts.size(); i++) {
      LayerPruned cut = cuts.get(i);
      String name = "lenet-static-stages-" + i;
      Model masked = f.model(cut.artifacts().model(), name);
      SparsityMask mask = masks(cut.artifacts().masks(), masked, name);
      long weights = mask.keys().stream().mapToLong(k -> mask.keep(k).length).sum();
      long pruned = mask.keys().stream().mapToLong(mask::pruned).sum();
      assertEquals(MagnitudePruner.zerosFor(weights, sparsities.get(i)), pruned, "stage " + (i + 1) + ": one global count over Conv and Gemm");
      assertEquals(sparsities.get(i), cut.sparsity(), 0.001, "stage " + (i + 1));
      assertEquals(baseline.params(), cut.paramsAfter(), "masks keep the architecture");
      if (before != null) {
        for (ParamKey k : before.keys()) {
          boolean[] now = mask.keep(k);
          boolean[] then = before.keep(k);
          for (int j = 0; j < now.length; j++) {
            assertTrue(then[j] || !now[j], "stage " + (i + 1) + " revives " + k + "[" + j + "]");
          }
        }
      }
      EpochTuned tuned = tunes.get(i);
      assertEquals(cut.artifacts().masks(), tuned.artifacts().masks(), "the fine-tune carries the stage's masks");
      assertNotNull(tuned.valAccuracy(), "each stage's accuracy after its fine-tuning");
      assertZeroWhereMasked(f.model(tuned.artifacts().model(), name + "-tuned"), mask);
      before = mask;
    }
    assertEquals(cuts.get(2).artifacts().masks(), result.artifacts().masks(), "the result keeps the last stage's masks");
    assertEquals(baseline.macs(), result.macs());
    assertTrue(result.zippedBytes() < baseline.zippedBytes(), result.zippedBytes() + " zipped bytes after, " + baseline.zippedBytes() + " before");
  }

  @Test
  void twoOfFourSurvivesFineTuningAndIsStoredWithTheResult() throws IOException {
    List<PipelineEvent> events = jobs.run("resnet20-2of4", "name: resnet20-2of4\n"
        + "model: {zoo: resnet20, inputShape: [1, 16, 16]}\nbaseline: {epochs: 1, optimizer: {lr: 0.1}}\n"
        + "dataset: {kind: fashion-mnist, trainLimit: 128, testLimit: 64, batchSize: 64, fit: resize}\n"
        + "prune: {granularity: \"n:m\", select: {nm: \"2:4\"}}\n"
        + "schedule: {mode: oneshot, finetune: {epochs: 1, optimizer: {lr: 0.05}}}\neval: {batchSizes: [1]}\n");

    LayerPruned masked = last(events, LayerPruned.class);
    ModelEvaluated result = last(events, ModelEvaluated.class);
    assertNotNull(result.artifacts().masks());
    assertEquals(masked.artifacts().masks(), result.artifacts().masks(), "the masks are stored with the result");
    Model model = f.model(result.artifacts().model(), "resnet20-2of4");
    SparsityMask mask = masks(result.artifacts().masks(), model, "resnet20-2of4");
    assertTrue(nodes(mask).contains("fc") && nodes(mask).contains("layer3.2.conv2"), "convs and the classifier: " + nodes(mask));
    assertTrue(!nodes(mask).contains("conv1"), "the stem (1 input channel) is skipped whole");
    for (ParamKey k : mask.keys()) {
      int[] shape = mask.shape(k);
      float[] w = model.weights().get(k).data();
      int in = shape[1];
      int inner = w.length / (shape[0] * in); // kh * kw for a conv, 1 for a Gemm
      for (int o = 0; o < shape[0]; o++) {
        for (int c = 0; c < in; c += 4) {
          for (int p = 0; p < inner; p++) {
            int nonZeros = 0;
            for (int j = c; j < c + 4; j++) {
              nonZeros += w[(o * in + j) * inner + p] != 0f ? 1 : 0;
            }
            assertTrue(nonZeros <= 2, k + ": " + nonZeros + " non-zeros among input channels " + c + ".." + (c + 3) + " of output " + o);
          }
        }
      }
      assertEquals(w.length / 2, mask.pruned(k), k + ": half of every group pruned");
    }
  }

  private static SparsityMask masks(ArtifactRef ref, Model model, String name) throws IOException {
    Path file = f.store.get(ref, tmp.resolve(name + "-" + SparsityMask.FILE_NAME));
    return SparsityMask.read(file, model.graph());
  }

  private static java.util.Set<String> nodes(SparsityMask mask) {
    return mask.keys().stream().map(ParamKey::node).collect(java.util.stream.Collectors.toSet());
  }

  private static void assertZeroWhereMasked(Model model, SparsityMask mask) {
    for (ParamKey k : mask.keys()) {
      boolean[] keep = mask.keep(k);
      float[] w = model.weights().get(k).data();
      for (int i = 0; i < w.length; i++) {
        assertTrue(keep[i] || w[i] == 0f, k + "[" + i + "] is masked but is " + w[i]);
      }
    }
  }
}
