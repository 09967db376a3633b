package dev.topiary.pipeline.event;

import dev.topiary.pipeline.store.ArtifactRef;
import java.time.Instant;
import java.util.List;

/**
 * The eval stage measured the current model ({@code artifacts.model}) on the test split: accuracy,
 * size, work and latency. The plan tells a baseline evaluation from the final one.
 *
 * <p><b>Detection</b> (an additive change, schema version 1 kept): a detector's evaluation carries
 * {@code detection} (YOLOv5 val's metrics on the val split) instead of {@code top1}, {@code top5}
 * and {@code loss}, which are then absent. A classifier's evaluation is written as before.
 *
 * @param top1 top-1 accuracy, a fraction; null for a detector
 * @param top5 top-5 accuracy, a fraction; null for a detector
 * @param loss mean cross-entropy; null for a detector
 * @param params learnable parameters (BatchNorm running statistics excluded)
 * @param macs multiply-accumulates per image (Conv and Gemm)
 * @param sizeBytes the model files' total size
 * @param zippedBytes the same files zipped
 * @param latency one entry per device, runtime and batch size timed
 * @param detection a detector's metrics; null for a classifier
 * @param baselineLatency the original model ({@code artifacts.baseline}) timed in this same step, in
 *     turns with the current one, at the same devices, runtimes and batch sizes as {@code latency}:
 *     the figures a speed-up is computed against, as both saw the same machine load. Null in the
 *     baseline evaluation itself, when no baseline was evaluated, and in events written before
 *     this field existed (an additive change, schema version 1 kept)
 */
public record ModelEvaluated(
    String jobId, int stepIndex, int attempt, Instant occurredAt, ArtifactRef plan, Artifacts artifacts,
    @Nullable Double top1, @Nullable Double top5, @Nullable Double loss, long params, long macs, long sizeBytes, long zippedBytes,
    List<Latency> latency, @Nullable DetectionFigures detection, @Nullable List<Latency> baselineLatency) implements StepEvent {

  /** An evaluation with no original timed beside it. */
  public ModelEvaluated(String jobId, int stepIndex, int attempt, Instant occurredAt, ArtifactRef plan, Artifacts artifacts,
      Double top1, Double top5, Double loss, long params, long macs, long sizeBytes, long zippedBytes,
      List<Latency> latency, DetectionFigures detection) {
    this(jobId, stepIndex, attempt, occurredAt, plan, artifacts, top1, top5, loss, params, macs, sizeBytes, zippedBytes, latency, detection, null);
  }

  /** A classifier's evaluation. */
  public ModelEvaluated(String jobId, int stepIndex, int attempt, Instant occurredAt, ArtifactRef plan, Artifacts artifacts,
      double top1, double top5, double loss, long params, long macs, long sizeBytes, long zippedBytes, List<Latency> latency) {
    this(jobId, stepIndex, attempt, occurredAt, plan, artifacts, Double.valueOf(top1), Double.valueOf(top5), Double.valueOf(loss), params,
        macs, sizeBytes, zippedBytes, latency, null);
  }

  /** Whether this is a detector's evaluation. */
  public boolean detects() {
    return detection != null;
  }

  /**
   * Inference latency of one batch in one runtime.
   *
   * <p>{@code runtime} came after the first schema (an additive change): a record without it, as
   * eval services wrote before, was timed in DJL and reads as {@value #DJL}.
   *
   * @param device {@code cpu} or {@code gpu}
   * @param runtime {@value #DJL} (DJL over libtorch, as the engine runs models) or {@value
   *     #ONNX_RUNTIME} (the model exported to ONNX, in ONNX Runtime); null reads as {@value #DJL}
   * @param medianMs median over the timed runs, milliseconds
   * @param p90Ms 90th percentile, milliseconds
   */
  public record Latency(String device, @Nullable String runtime, int batchSize, double medianMs, double p90Ms) {
    /** The engine's own runtime: DJL over libtorch. */
    public static final String DJL = "djl";
    /** ONNX Runtime, running the model exported to ONNX. */
    public static final String ONNX_RUNTIME = "onnxruntime";

    public Latency {
      Checks.text(device, "device");
      runtime = Checks.text(runtime == null ? DJL : runtime, "runtime");
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize: must be >= 1, got " + batchSize);
      }
      if (!(medianMs >= 0) || !(p90Ms >= medianMs)) {
        throw new IllegalArgumentException("p90Ms: need 0 <= medianMs <= p90Ms, got " + medianMs + " and " + p90Ms);
      }
    }

    /** How reports name a runtime: {@code DJL}, {@code ONNX Runtime}, or any other value as it is. */
    public static String displayName(String runtime) {
      return switch (runtime) {
        case DJL -> "DJL";
        case ONNX_RUNTIME -> "ONNX Runtime";
        default -> runtime;
      };
    }
  }

  public ModelEvaluated {
    Checks.header(jobId, stepIndex, attempt, occurredAt);
    Checks.step(plan, artifacts, true);
    if (detection == null && (top1 == null || top5 == null || loss == null)) {
      throw new IllegalArgumentException((top1 == null ? "top1" : top5 == null ? "top5" : "loss")
          + ": required for a classifier's evaluation (one without detection)");
    }
    if (top1 != null) {
      Checks.fraction(top1, "top1");
    }
    if (top5 != null) {
      Checks.fraction(top5, "top5");
    }
    if (top1 != null && top5 != null && top5 < top1) {
      throw new IllegalArgumentException("top5: must be >= top1 (" + top1 + "), got " + top5);
    }
    if (loss != null) {
      Checks.finite(loss, "loss");
    }
    Checks.nonNegative(params, "params");
    Checks.nonNegative(macs, "macs");
    Checks.nonNegative(sizeBytes, "sizeBytes");
    Checks.nonNegative(zippedBytes, "zippedBytes");
    latency = Checks.list(latency, "latency");
    if (baselineLatency != null) {
      baselineLatency = Checks.list(baselineLatency, "baselineLatency");
      if (!keys(baselineLatency).equals(keys(latency))) {
        throw new IllegalArgumentException("baselineLatency: must time the same devices, runtimes and batch sizes as latency, got "
            + keys(baselineLatency) + " against " + keys(latency));
      }
    }
  }

  private static List<String> keys(List<Latency> latency) {
    return latency.stream().map(l -> l.device() + "/" + l.runtime() + "/b" + l.batchSize()).toList();
  }
}
