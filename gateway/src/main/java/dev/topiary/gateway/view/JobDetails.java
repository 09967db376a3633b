package dev.topiary.gateway.view;

import dev.topiary.pipeline.event.ModelEvaluated;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/v1/jobs/{id}} answers: a consistent snapshot of one job. Immutable.
 *
 * @param state submitted, running, completed, failed or cancelled
 * @param stepsDone the highest plan step finished
 * @param currentStep the step under way; null once the job has ended
 * @param timeline one entry per plan step known from the plan, with times once it started or ended
 * @param epochs every epoch of every tuning step, in order: accuracy and loss per epoch
 * @param channels per channel group cut: its width before the first cut and after the latest
 * @param cuts the model's parameters and MACs after each prune step
 * @param evaluations every evaluation in step order: the first is the original model, the last
 *     (once completed) the pruned one
 * @param failure why the job failed; null unless failed
 * @param cancelReason why it was cancelled; null unless cancelled
 */
public record JobDetails(
    String id, String name, String tenant, String state, int totalSteps, int stepsDone, Step currentStep,
    Instant submittedAt, Instant updatedAt, List<Step> timeline, List<Epoch> epochs, List<LayerChannels> channels, List<Cut> cuts,
    List<Evaluation> evaluations, Failure failure, String cancelReason) {

  /** A job in a list: the fields of a table row. */
  public record Summary(String id, String name, String state, int stepsDone, int totalSteps, Step currentStep,
      Instant submittedAt, Instant updatedAt) {}

  /**
   * One plan step. {@code durationMs} is set once it ended: from the end of the previous step (or
   * the submission) to its own completion event.
   */
  public record Step(int index, String kind, String stage, Instant startedAt, Instant endedAt, Long durationMs, int attempt) {}

  /** One epoch of a tuning step. */
  public record Epoch(int step, int epoch, int epochs, double trainLoss, double trainAccuracy, Double valLoss, Double valAccuracy,
      double learningRate, Double sparsity) {}

  /** A channel group's width before its first cut and after its latest. */
  public record LayerChannels(String group, int before, int after) {}

  /** The model after one prune step. */
  public record Cut(int step, int groupsCut, long params, long macs, Double sparsity) {}

  /** One evaluation of the model. */
  public record Evaluation(int step, double top1, double top5, double loss, long params, long macs, long sizeBytes, long zippedBytes,
      List<ModelEvaluated.Latency> latency) {
    static Evaluation of(ModelEvaluated e) {
      return new Evaluation(e.stepIndex(), e.top1(), e.top5(), e.loss(), e.params(), e.macs(), e.sizeBytes(), e.zippedBytes(), e.latency());
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

  public Summary summary() {
    return new Summary(id, name, state, stepsDone, totalSteps, currentStep, submittedAt, updatedAt);
  }
}
