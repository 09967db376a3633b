package dev.topiary.pipeline.stage;

/**
 * A step stopped because its job was cancelled ({@code Keys.cancelled} exists): thrown from inside
 * a step (between fine-tuning epochs) and caught by {@link StageRunner#run}, which then emits
 * nothing.
 */
final class StepCancelledException extends RuntimeException {
  StepCancelledException(String jobId, int stepIndex, int epochsDone) {
    super("job " + jobId + " was cancelled: step " + stepIndex + " stopped after epoch " + epochsDone, null, false, false);
  }
}
