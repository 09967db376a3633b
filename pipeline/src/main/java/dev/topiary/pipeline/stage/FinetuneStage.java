package dev.topiary.pipeline.stage;

import dev.topiary.engine.prune.schedule.RisingMasks;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.sparse.SparsityMask;
import dev.topiary.engine.train.BnSparsityHook;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.train.GradientHook;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.job.ScheduleSpec;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.Keys;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The fine-tune stage: every {@link PlanStep.TuningStep} is a training run of the step's epochs.
 * {@link PlanStep.TrainBaseline} starts from the spec's graph with the seeded initialisation;
 * {@link PlanStep.Finetune} keeps the model's masks; {@link PlanStep.SparsityTrain} adds the L1
 * term on BN gammas; {@link PlanStep.GradualTune} raises magnitude masks epoch by epoch (per layer
 * with {@code prune.select.sparsityRules}) and stores the last ones. Emits one {@link EpochTuned}
 * per epoch; the last, which ends the step, carries the trained model, the earlier ones (progress)
 * the step's input artifacts.
 *
 * <p>A detection job's steps train the detector as YOLOv5 does ({@link DetectionSteps#tune}),
 * resumable in the same way.
 *
 * <p><b>Resumable.</b> After every epoch but the last, the training checkpoint (parameters,
 * momentum, epochs done) is uploaded to the step's folder. A run restarted after a crash downloads
 * it and trains only the remaining epochs, ending bit-identical to an uninterrupted run on the CPU.
 * A crash after the last epoch trains that epoch again, with the same result.
 */
public final class FinetuneStage extends StageRunner {
  public FinetuneStage(StageContext ctx) {
    super(ctx);
  }

  @Override
  public Stage stage() {
    return Stage.FINETUNE;
  }

  @Override
  StepEvent execute(StepWork w, Consumer<PipelineEvent> progress) {
    PlanStep.TuningStep step = (PlanStep.TuningStep) w.step;
    boolean baseline = step instanceof PlanStep.TrainBaseline;
    Model model = baseline ? Fitter.initialised(specGraph(w), w.seed()) : w.inputModel();
    if (w.plan.spec().detects()) {
      return DetectionSteps.tune(w, model, baseline, progress);
    }
    SparsityMask masks = baseline ? null : w.inputMasks(model);
    Function<NDManager, Map<String, NDArray>> fixedMasks = masks == null ? m -> Map.of() : masks::toNDArrays;
    RisingMasks rising = step instanceof PlanStep.GradualTune g ? risingMasks(w, model, g) : null;

    Path checkpointDir = w.checkpoints();
    EpochResult[] last = {null};
    Fitter.Outcome out = Fitter.fit(model, w.data(model), step.fit().toFitSettings(w.seed()), r -> {
      last[0] = r;
      if (w.store().exists(Keys.cancelled(w.plan.jobId()))) {
        throw new StepCancelledException(w.plan.jobId(), step.index(), r.epoch() + 1);
      }
      if (r.epoch() + 1 < step.epochs()) {
        w.uploadCheckpoint();
        progress.accept(epochTuned(w, r, w.artifacts(), sparsity(w, rising, r.epoch())));
      }
    }, fixedMasks, hooks(w), checkpointDir, rising);

    Artifacts after = baseline ? Artifacts.of(w.putModel(out.model())) : w.artifacts().withModel(w.putModel(out.model()));
    if (rising != null && rising.current() != null) {
      after = after.withMasks(w.putMasks(rising.current()));
    }
    return epochTuned(w, last[0], after, sparsity(w, rising, last[0].epoch()));
  }

  /**
   * Gradual masks: every Conv and Gemm weight to the curve's sparsity, or with {@code
   * prune.select.sparsityRules} each layer to its own target scaled along the curve ({@link
   * ScheduleSpec.Gradual#layerTargets}). The curve goes in as a fraction of its target (and 1 as
   * the reference) so that at the target each layer's sparsity is its rule's value exactly, not
   * {@code rule * s / s} rounded.
   */
  private static RisingMasks risingMasks(StepWork w, Model model, PlanStep.GradualTune g) {
    String rules = w.plan.spec().prune().select().sparsityRules();
    if (rules == null) {
      return new RisingMasks(model, g.sparsityPerEpoch()::get, null, 0, null);
    }
    ScheduleSpec.Gradual spec = (ScheduleSpec.Gradual) w.plan.spec().schedule();
    double target = spec.targetSparsity();
    return new RisingMasks(model, e -> target == 0 ? 0 : g.sparsityPerEpoch().get(e) / target,
        spec.layerTargets(rules).resolve(model.graph()), 1, null);
  }

  /**
   * An epoch's {@code sparsity}: the curve's value for uniform gradual masks; with per-layer rules
   * the share of all Conv and Gemm weights masked (the curve's value is then only the unmatched
   * layers'); null for other steps.
   */
  private static Double sparsity(StepWork w, RisingMasks rising, int epoch) {
    if (!(w.step instanceof PlanStep.GradualTune g)) {
      return null;
    }
    if (w.plan.spec().prune().select().sparsityRules() == null) {
      return g.sparsityPerEpoch().get(epoch);
    }
    SparsityMask m = rising.current();
    if (m == null) {
      return 0.0;
    }
    long pruned = 0;
    long total = 0;
    for (ParamKey k : m.keys()) {
      pruned += m.pruned(k);
      total += Arrays.stream(m.shape(k)).asLongStream().reduce(1, (a, b) -> a * b);
    }
    return total == 0 ? 0.0 : (double) pruned / total;
  }

  /** The graph of a model trained from scratch: the zoo's, or the stored {@code model.graph}. */
  private static Graph specGraph(StepWork w) {
    ArtifactRef graph = w.plan.spec().model().graph();
    if (graph == null) {
      return JobSpecs.zooGraph(w.plan.spec());
    }
    return GraphJson.read(w.store().get(graph, w.local(Model.GRAPH_FILE)));
  }

  private static List<GradientHook> hooks(StepWork w) {
    if (!(w.step instanceof PlanStep.SparsityTrain)) {
      return List.of();
    }
    ScheduleSpec.Slimming s = (ScheduleSpec.Slimming) w.plan.spec().schedule();
    return List.of(s.srDecay() ? BnSparsityHook.decaying(s.sr()) : BnSparsityHook.constant(s.sr()));
  }

  private static EpochTuned epochTuned(StepWork w, EpochResult r, Artifacts artifacts, Double sparsity) {
    PlanStep.TuningStep step = (PlanStep.TuningStep) w.step;
    return new EpochTuned(w.plan.jobId(), step.index(), w.attempt, w.now(), w.input.plan(), artifacts, r.epoch() + 1, step.epochs(),
        r.trainLoss(), r.trainAccuracy(), r.validated() ? r.valLoss() : null, r.validated() ? r.valAccuracy() : null, r.lr(), sparsity);
  }
}
