package dev.topiary.pipeline.job;

import java.util.Arrays;
import java.util.List;

/** The schedules, each with its settings (field names in the spec) and the granularities it supports. */
public enum ScheduleMode {
  /** Rank, cut once, fine-tune. */
  ONESHOT("oneshot", List.of("finetune"), List.of(Granularity.CHANNEL, Granularity.UNSTRUCTURED, Granularity.NM)),
  /** HRank: rank once, then per group with a cut: prune it, fine-tune; a final fine-tune. */
  LAYERWISE("layerwise", List.of("perStep", "finalTune"), List.of(Granularity.CHANNEL)),
  /**
   * Per stage: rank the current model, cut to the stage's FLOPs reduction (channel), or mask to the
   * stage's global magnitude sparsity keeping earlier zeros (unstructured, Paddle's static stages); fine-tune.
   */
  STAGES("stages", List.of("flopsReductions", "sparsities", "perStage"), List.of(Granularity.CHANNEL, Granularity.UNSTRUCTURED)),
  /** Magnitude masks rising along a curve at epoch boundaries while training. */
  GRADUAL("gradual", List.of("curve", "initialSparsity", "targetSparsity", "startEpoch", "endEpoch", "interval", "finetune"),
      List.of(Granularity.UNSTRUCTURED)),
  /** Network slimming: BN-gamma sparsity training, one global gamma threshold, fine-tune. */
  SLIMMING("slimming", List.of("sr", "srDecay", "sparsityTraining", "percent", "finetune", "minKept", "minKeptFraction",
      "roundTo", "skipShortcuts"), List.of(Granularity.CHANNEL)),
  /** Sensitivity analysis: each group pruned alone at each ratio; per-group ratios for a FLOPs target within a drop; cut, fine-tune. */
  SENSITIVITY("sensitivity", List.of("ratios", "maxAccuracyDrop", "targetFlopsReduction", "probeBatches", "finetune"),
      List.of(Granularity.CHANNEL)),
  /** No cut of its own: fine-tune the model whose cut is a replayed history ({@code model.replay}). */
  FINETUNE("finetune", List.of("finetune"), List.of(Granularity.CHANNEL));

  private final String id;
  private final List<String> settings;
  private final List<Granularity> granularities;

  ScheduleMode(String id, List<String> settings, List<Granularity> granularities) {
    this.id = id;
    this.settings = settings;
    this.granularities = granularities;
  }

  public String id() {
    return id;
  }

  /** The spec fields of this mode, besides {@code mode}. */
  public List<String> settings() {
    return settings;
  }

  public List<Granularity> granularities() {
    return granularities;
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(ScheduleMode::id).toList();
  }

  /** @throws IllegalArgumentException listing the valid ids */
  public static ScheduleMode of(String id) {
    return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown mode '" + id + "'; valid: " + String.join(", ", ids())));
  }
}
