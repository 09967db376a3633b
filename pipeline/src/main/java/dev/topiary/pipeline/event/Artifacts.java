package dev.topiary.pipeline.event;

import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ModelRef;

/**
 * The job's current artifacts, carried by every step event so that the next step finds its
 * inputs in the event it receives, with no lookup and no shared state: the stage that emits an
 * event copies the artifacts it received and replaces those it produced. Immutable.
 *
 * @param model the current model; null only before a model exists (a job whose first step trains
 *     the baseline from the zoo)
 * @param scores the importance scores of the last rank step (the {@code topiary-scores} file);
 *     null before any
 * @param masks the sparsity masks ({@code masks.safetensors}) that fine-tuning must keep; null for
 *     dense models
 * @param baseline the model the baseline evaluation measured, set by that step and carried after
 *     it, so that a later evaluation times the original and the current model in turns, side by
 *     side in one run; null before the baseline evaluation and in events written before this field
 *     existed (an additive change, schema version 1 kept)
 */
public record Artifacts(@Nullable ModelRef model, @Nullable ArtifactRef scores, @Nullable ArtifactRef masks, @Nullable ModelRef baseline) {
  /** No artifact yet. */
  public static final Artifacts NONE = new Artifacts(null, null, null, null);

  public static Artifacts of(ModelRef model) {
    return new Artifacts(model, null, null, null);
  }

  public Artifacts withModel(ModelRef m) {
    return new Artifacts(m, scores, masks, baseline);
  }

  public Artifacts withScores(ArtifactRef s) {
    return new Artifacts(model, s, masks, baseline);
  }

  public Artifacts withMasks(ArtifactRef m) {
    return new Artifacts(model, scores, m, baseline);
  }

  /** The same artifacts, with {@code b} as the model the baseline evaluation measured. */
  public Artifacts withBaseline(ModelRef b) {
    return new Artifacts(model, scores, masks, b);
  }
}
