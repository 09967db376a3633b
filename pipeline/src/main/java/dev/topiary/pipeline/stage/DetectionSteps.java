package dev.topiary.pipeline.stage;

import dev.topiary.engine.detect.DetectHead;
import dev.topiary.engine.detect.DetectionDataset;
import dev.topiary.engine.detect.DetectionEpochResult;
import dev.topiary.engine.detect.DetectionEvaluator;
import dev.topiary.engine.detect.DetectionFolders;
import dev.topiary.engine.detect.DetectionHyp;
import dev.topiary.engine.detect.DetectionLoader;
import dev.topiary.engine.detect.DetectionMetrics;
import dev.topiary.engine.detect.DetectionScoring;
import dev.topiary.engine.detect.DetectionTrainer;
import dev.topiary.engine.detect.DetectorInfo;
import dev.topiary.engine.detect.DetectorSetup;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.importance.ScoringData;
import dev.topiary.engine.train.BnSparsityHook;
import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.DetectionFigures;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.job.DatasetSpec;
import dev.topiary.pipeline.job.ScheduleSpec;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.store.Keys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A detection job's training, measuring and scoring, for the fine-tune, eval and rank stages: the dataset's
 * splits from the stage's local folder ({@link StageContext#detectionFolder}), YOLOv5's training
 * ({@link DetectionTrainer}, readied by {@link DetectorSetup} as the CLI readies it) and YOLOv5
 * val's metrics ({@link DetectionEvaluator}). Anchors and class names stay in the model's graph
 * metadata ({@link DetectorInfo}) from the baseline's training on, through every cut and tune.
 *
 * <p><b>Resumable.</b> After every epoch but the last, the trainer's checkpoint (parameters,
 * momentum, the EMA, the warm-up's and the accumulation's counters) is uploaded to the step's
 * folder; a run restarted after a crash downloads it and trains only the remaining epochs, ending
 * bit-identical to an uninterrupted run on the CPU.
 */
final class DetectionSteps {
  /** Decoding threads of the detection loaders. */
  static final int WORKERS = 2;

  private DetectionSteps() {}

  static DetectionDataset open(StepWork w, String split) {
    DatasetSpec d = w.plan.spec().dataset();
    String format = DatasetSpec.COCO.equals(d.kind()) ? DetectionFolders.COCO : DetectionFolders.YOLO;
    Path dir = w.ctx.detectionFolder(d);
    return DetectionFolders.open(format, dir, split);
  }

  /** The training or validation loader of the job's dataset, letterboxed to the model's input. */
  static DetectionLoader loader(StepWork w, Model model, DetectionDataset data, boolean train) {
    DatasetSpec d = w.plan.spec().dataset();
    return loader(w, model, data, train && d.augment(), train ? d.trainLimit() : d.testLimit());
  }

  private static DetectionLoader loader(StepWork w, Model model, DetectionDataset data, boolean augment, int limit) {
    int channels = model.graph().inputs().get(0).shape().toArray()[0];
    DatasetSpec d = w.plan.spec().dataset();
    return DetectionFolders.loader(data, DetectorSetup.squareSide(model), channels, d.batchSize(), augment, augment ? d.mosaicOrZero() : 0,
        w.seed(), WORKERS, limit);
  }

  /**
   * What a data-driven criterion measures on a detector, as {@code engine rank --dataset} does: the
   * first {@code batches} batches of the training split (within {@code trainLimit}), in the split's
   * file order and without augmentation, so a rerun scores the same pictures; Taylor differentiates
   * YOLOv5's loss with the anchors the model carries ({@link DetectionScoring}).
   */
  static ScoringData scoringData(StepWork w, Model model, int batches) {
    DetectorInfo info = DetectorInfo.of(model.graph(), DetectHead.of(model.graph()).numClasses());
    DetectionLoader train = loader(w, model, open(w, "train"), false, w.plan.spec().dataset().trainLimit());
    return DetectionScoring.of(train, model.graph(), info.anchors(), batches);
  }

  /**
   * Trains the step's epochs: a baseline from the spec's graph (initialised from the seed, the
   * head's initial biases, anchors checked against the boxes), any other step from its input
   * model; sparsity training adds the L1 term on BN gammas. Emits an {@link EpochTuned} per epoch
   * but the last, whose event it returns.
   */
  static EpochTuned tune(StepWork w, Model start, boolean baseline, Consumer<PipelineEvent> progress) {
    PlanStep.TuningStep step = (PlanStep.TuningStep) w.step;
    DetectionDataset train = open(w, "train");
    DetectorSetup.Prepared ready = DetectorSetup.forTraining(start, train, baseline, baseline, w.seed());
    DetectionHyp hyp = step.fit().toDetectionHyp();
    DetectionTrainer.Builder b = DetectionTrainer.builder().setModel(ready.model()).setAnchors(ready.info().anchors())
        .setTrainData(loader(w, ready.model(), train, true)).optValidationData(loader(w, ready.model(), open(w, "val"), false))
        .setEpochs(step.epochs()).optHyp(hyp).optSeed(w.seed()).optCheckpointDir(w.checkpoints());
    if (step instanceof PlanStep.SparsityTrain) {
      ScheduleSpec.Slimming s = (ScheduleSpec.Slimming) w.plan.spec().schedule();
      b.optGradientHook(s.srDecay() ? BnSparsityHook.decaying(s.sr()) : BnSparsityHook.constant(s.sr()));
    }
    DetectionEpochResult[] last = {null};
    b.optCallback(r -> {
      last[0] = r;
      if (w.store().exists(Keys.cancelled(w.plan.jobId()))) {
        throw new StepCancelledException(w.plan.jobId(), step.index(), r.epoch() + 1);
      }
      if (r.epoch() + 1 < step.epochs()) {
        w.uploadCheckpoint();
        progress.accept(epochTuned(w, r, w.artifacts()));
      }
    });
    Model trained = b.build().fit().model();
    Artifacts after = baseline ? Artifacts.of(w.putModel(trained)) : w.artifacts().withModel(w.putModel(trained));
    return epochTuned(w, last[0], after);
  }

  private static EpochTuned epochTuned(StepWork w, DetectionEpochResult r, Artifacts artifacts) {
    PlanStep.TuningStep step = (PlanStep.TuningStep) w.step;
    return EpochTuned.detection(w.plan.jobId(), step.index(), w.attempt, w.now(), w.input.plan(), artifacts, r.epoch() + 1, step.epochs(),
        r.boxLoss(), r.objLoss(), r.clsLoss(), finite(r.map50()), finite(r.map5095()), r.lr());
  }

  /** YOLOv5 val's figures of the model on the val split, with the |gamma| histogram when given. */
  static DetectionFigures evaluate(StepWork w, Model model, DetectionFigures.GammaBins gamma) {
    DetectionMetrics.Result r = DetectionEvaluator.evaluate(model, loader(w, model, open(w, "val"), false));
    int nc = DetectHead.of(model.graph()).numClasses();
    List<String> names = DetectorInfo.of(model.graph(), nc).classNames();
    List<DetectionFigures.ClassAp> classes = new ArrayList<>();
    for (int c = 0; c < nc; c++) {
      classes.add(new DetectionFigures.ClassAp(names.get(c), r.targets(c), unit(r.ap50(c)), unit(r.ap(c))));
    }
    List<Double> curve = new ArrayList<>();
    for (float v : r.prCurve50()) {
      curve.add(unit(v));
    }
    return new DetectionFigures(unit(r.precision()), unit(r.recall()), unit(r.map50()), unit(r.map()), classes, curve, gamma);
  }

  /** A figure as a fraction: NaN (nothing to measure) reads 0, float rounding past 1 reads 1. */
  private static double unit(double v) {
    return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
  }

  private static Double finite(double v) {
    return Double.isNaN(v) ? null : unit(v);
  }
}
