package dev.topiary.pipeline.job;

import dev.topiary.engine.detect.DetectionHyp;
import dev.topiary.engine.workflow.FitSettings;

/**
 * Training or fine-tuning settings: epochs, SGD, learning-rate schedule. Immutable.
 *
 * <p>A detection job maps them onto YOLOv5's hyperparameters ({@link #toDetectionHyp}): {@code
 * optimizer.lr} is {@code lr0}, momentum and weight decay as given (Nesterov always, as YOLOv5),
 * {@code lrSchedule.type} {@code linear} (YOLOv5's default) or {@code cosine} from {@code lr0} to
 * {@code lr0 * 0.01}; the warm-up and the nominal batch are detection's own settings.
 *
 * @param epochs epochs to run; 0 skips the step (not allowed for the baseline)
 * @param optimizer the optimizer, {@link OptimizerSpec#DEFAULT} when not given
 * @param lrSchedule the learning-rate schedule, {@link LrScheduleSpec#DEFAULT} (cosine) when not given
 * @param nominalBatch detection only: gradients accumulate to this many pictures per step; null for 64
 * @param warmupEpochs detection only: warm-up epochs of the learning rates and momentum; null for 3
 * @param minWarmupIterations detection only: the warm-up lasts at least this many batches; null for 100
 */
public record FitSpec(Integer epochs, OptimizerSpec optimizer, LrScheduleSpec lrSchedule, Integer nominalBatch, Double warmupEpochs,
    Integer minWarmupIterations) {

  /** Settings without detection's own. */
  public FitSpec(Integer epochs, OptimizerSpec optimizer, LrScheduleSpec lrSchedule) {
    this(epochs, optimizer, lrSchedule, null, null, null);
  }

  /** Whether any of detection's own settings is given. */
  boolean hasDetectionSettings() {
    return nominalBatch != null || warmupEpochs != null || minWarmupIterations != null;
  }

  /** YOLOv5's hyperparameters with these settings; throws as {@link DetectionHyp} does on values a validated spec never has. */
  public DetectionHyp toDetectionHyp() {
    DetectionHyp d = DetectionHyp.yolov5();
    DetectionHyp h = new DetectionHyp(optimizer.lr(), d.lrf(), optimizer.momentum(), optimizer.weightDecay(), d.warmupEpochs(),
        d.warmupMomentum(), d.warmupBiasLr(), d.minWarmupIterations(), d.nominalBatch(), "cosine".equals(lrSchedule.type()));
    h = h.withWarmup(warmupEpochs == null ? d.warmupEpochs() : warmupEpochs,
        minWarmupIterations == null ? d.minWarmupIterations() : minWarmupIterations);
    return nominalBatch == null ? h : h.withNominalBatch(nominalBatch);
  }

  /** The engine's settings; throws as {@link FitSettings} does on values a validated spec never has. */
  public FitSettings toFitSettings(long seed) {
    return new FitSettings(epochs, optimizer.lr(), optimizer.momentum(), optimizer.nesterov(), optimizer.weightDecay(),
        lrSchedule.engineForm(), seed);
  }
}
