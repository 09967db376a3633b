package dev.topiary.pipeline.job;

/**
 * A job as the user states it: which model, which data, how to prune, on what schedule, how to
 * evaluate. Immutable. Read with {@link JobSpecs#parse}, which fills the defaults and guarantees a
 * valid spec; see the package comment for specs built by hand.
 *
 * @param version the spec format version, {@link JobSpecs#VERSION}
 * @param name a name for people and dashboards: lower-case letters, digits, {@code . _ -}
 * @param seed the seed of every random choice (initialisation, shuffling, the random criterion)
 * @param baseline how to train the model first; present exactly when the model has no weights
 * @param eval how the baseline and the result are measured
 * @param task {@value #CLASSIFICATION} or {@value #DETECTION}; null (absent) reads as {@value #CLASSIFICATION}
 */
public record JobSpec(
    int version, String name, long seed, ModelSource model, FitSpec baseline,
    DatasetSpec dataset, PruneSpec prune, ScheduleSpec schedule, EvalSpec eval, String task) {
  public static final String CLASSIFICATION = "classification";
  public static final String DETECTION = "detection";
  public static final java.util.List<String> TASKS = java.util.List.of(CLASSIFICATION, DETECTION);

  /** A classification job. */
  public JobSpec(int version, String name, long seed, ModelSource model, FitSpec baseline, DatasetSpec dataset, PruneSpec prune,
      ScheduleSpec schedule, EvalSpec eval) {
    this(version, name, seed, model, baseline, dataset, prune, schedule, eval, null);
  }

  /** Whether the job trains and measures a detector ({@code task: detection}). */
  public boolean detects() {
    return DETECTION.equals(task);
  }

  /** Whether the plan starts by training the model (no weights were given, in a file or an ONNX model). */
  public boolean trainsBaseline() {
    return model != null && !model.hasWeights();
  }
}
