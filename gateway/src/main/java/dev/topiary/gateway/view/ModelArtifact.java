package dev.topiary.gateway.view;

import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ModelRef;

/**
 * One model of a job, as {@code GET /api/v1/jobs/{id}/artifacts} lists it. Immutable.
 *
 * @param step the plan step that ended with it; 0 for the submission
 * @param stage the stage that wrote it ({@code submit} for step 0); null while the plan is unknown
 * @param kind the plan step's kind ({@code submit} for step 0); null while the plan is unknown
 * @param history null for a model without a pruning history (an uploaded one)
 */
public record ModelArtifact(int step, String stage, String kind, ArtifactRef graph, ArtifactRef weights, ArtifactRef history) {
  /** The model's files as events carry them. */
  public ModelRef model() {
    return new ModelRef(graph, weights, history);
  }
}
