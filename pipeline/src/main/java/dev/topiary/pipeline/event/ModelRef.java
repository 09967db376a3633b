package dev.topiary.pipeline.event;

import dev.topiary.pipeline.store.ArtifactRef;

/**
 * A model in the store: its {@code graph.json}, {@code weights.safetensors} and, once pruned or
 * produced by a stage, its {@code history.json} (the pruning steps, for replay). Immutable.
 *
 * @param history null for a model uploaded without one (no pruning yet)
 */
public record ModelRef(ArtifactRef graph, ArtifactRef weights, @Nullable ArtifactRef history) {
  public ModelRef {
    Checks.required(graph, "graph");
    Checks.required(weights, "weights");
  }
}
