package dev.topiary.gateway.view;

import dev.topiary.pipeline.event.DetectionFigures;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.RankComputed;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/v1/jobs/{id}} answers: a consistent snapshot of one job. Immutable.
 *
 * @param state submitted, running, completed, failed or cancelled
 * @param stepsDone the highest plan step finished
 * @param currentStep the step under way; null once the job has ended
 * @param timeline one entry per plan step known from the plan, with times once it started or ended
 * @param epochs every epoch of every tuning step, in order: accuracy and loss per epoch (a detector's:
 *     the box, objectness and class losses and the validation mAP); a retried step's are its latest
 *     attempt's, as are its cut and evaluation
 * @param channels per channel group cut: its width before the first cut and after the latest
 * @param cuts the model's parameters and MACs after each prune step
 * @param evaluations every evaluation in step order: the first is the original model, the last
 *     (once completed) the pruned one; a detection job's slimming has two between (after sparsity
 *     training, after the cut)
 * @param failure why the job failed; null unless failed
 * @param cancelReason why it was cancelled; null unless cancelled
 * @param sensitivity a sensitivity step's curves, plot and choice (its latest attempt); null unless the job analysed one
 */
public record JobDetails(
    String id, String name, String tenant, String state, int totalSteps, int stepsDone, Step currentStep,
    Instant submittedAt, Instant updatedAt, List<Step> timeline, List<Epoch> epochs, List<LayerChannels> channels, List<Cut> cuts,
    List<Evaluation> evaluations, Failure failure, String cancelReason, RankComputed.Sensitivity sensitivity) {

  /** A job without a sensitivity analysis. */
  public JobDetails(String id, String name, String tenant, String state, int totalSteps, int stepsDone, Step currentStep,
      Instant submittedAt, Instant updatedAt, List<Step> timeline, List<Epoch> epochs, List<LayerChannels> channels, List<Cut> cuts,
      List<Evaluation> evaluations, Failure failure, String cancelReason) {
    this(id, name, tenant, state, totalSteps, stepsDone, currentStep, submittedAt, updatedAt, timeline, epochs, channels, cuts, evaluations,
        failure, cancelReason, null);
  }

  /** A job in a list: the fields of a table row. */
  public record Summary(String id, String name, String state, int stepsDone, int totalSteps, Step currentStep,
      Instant submittedAt, Instant updatedAt) {}

  /**
   * One plan step. {@code durationMs} is set once it ended: from the end of the previous step (or
   * the submission) to its own completion event.
   */
  public record Step(int index, String kind, String stage, Instant startedAt, Instant endedAt, Long durationMs, int attempt) {}

  /** One epoch of a tuning step; a detector's has no accuracy, and its loss parts and mAP instead. */
  public record Epoch(int step, int epoch, int epochs, double trainLoss, Double trainAccuracy, Double valLoss, Double valAccuracy,
      double learningRate, Double sparsity, Double boxLoss, Double objLoss, Double clsLoss, Double map50, Double map5095) {
    static Epoch of(EpochTuned t) {
      return new Epoch(t.stepIndex(), t.epoch(), t.epochs(), t.trainLoss(), t.trainAccuracy(), t.valLoss(), t.valAccuracy(),
          t.learningRate(), t.sparsity(), t.boxLoss(), t.objLoss(), t.clsLoss(), t.map50(), t.map5095());
    }
  }

  /** A channel group's width before its first cut and after its latest. */
  public record LayerChannels(String group, int before, int after) {}

  /** The model after one prune step. */
  public record Cut(int step, int groupsCut, long params, long macs, Double sparsity) {}

  /**
   * One evaluation of the model: a classifier's top-1, top-5 and loss, or a detector's mAP (also
   * flat, for dashboards) and its full figures.
   *
   * @param point what it measures ({@link dev.topiary.pipeline.plan.JobPlan#evaluationPoint}); null until the plan is known
   * @param baselineLatency the original model timed in this step, in turns with this one ({@link
   *     ModelEvaluated#baselineLatency}); null when it was not
   */
  public record Evaluation(int step, String point, Double top1, Double top5, Double loss, Double map50, Double map5095, long params, long macs,
      long sizeBytes, long zippedBytes, List<ModelEvaluated.Latency> latency, DetectionFigures detection,
      List<ModelEvaluated.Latency> baselineLatency) {
    static Evaluation of(ModelEvaluated e) {
      DetectionFigures d = e.detection();
      return new Evaluation(e.stepIndex(), null, e.top1(), e.top5(), e.loss(), d == null ? null : d.map50(), d == null ? null : d.map5095(),
          e.params(), e.macs(), e.sizeBytes(), e.zippedBytes(), e.latency(), d, e.baselineLatency());
    }

    Evaluation withPoint(String p) {
      return new Evaluation(step, p, top1, top5, loss, map50, map5095, params, macs, sizeBytes, zippedBytes, latency, detection, baselineLatency);
    }

    /**
     * The original's latency to set against this evaluation's: the one timed beside it in this
     * step when there is one, else {@code baseline}'s own figures (from its earlier step).
     */
    public List<ModelEvaluated.Latency> originalLatency(Evaluation baseline) {
      if (baselineLatency != null && !baselineLatency.isEmpty()) {
        return baselineLatency;
      }
      return baseline == null ? List.of() : baseline.latency();
    }
  }

  /** Why the job failed. */
  public record Failure(int step, String stage, String errorType, String message) {}

  /** The first evaluation (the original model); null before any. */
  public Evaluation baseline() {
    return evaluations.isEmpty() ? null : evaluations.get(0);
  }

  /** The latest evaluation (the pruned model once the job completed); null before any. */
  public Evaluation lastEvaluation() {
    return evaluations.isEmpty() ? null : evaluations.get(evaluations.size() - 1);
  }

  /** Whether the job measures a detector (its evaluations carry detection figures). */
  public boolean detects() {
    return evaluations.stream().anyMatch(e -> e.detection() != null) || epochs.stream().anyMatch(e -> e.boxLoss() != null);
  }

  public Summary summary() {
    return new Summary(id, name, state, stepsDone, totalSteps, currentStep, submittedAt, updatedAt);
  }
}
