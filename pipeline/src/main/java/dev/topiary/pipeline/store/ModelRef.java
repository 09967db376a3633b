package dev.topiary.pipeline.store;

import dev.topiary.engine.model.Model;
import dev.topiary.pipeline.event.Nullable;
import java.util.ArrayList;
import java.util.List;

/**
 * A model folder in the store (see {@link Model}): its {@value Model#GRAPH_FILE},
 * {@value Model#WEIGHTS_FILE} and, once a stage has written the model, its
 * {@value Model#HISTORY_FILE} (the pruning steps, for replay). Written by {@link
 * ArtifactStore#putModel}, read by {@link ArtifactStore#getModel}, carried by events as {@code
 * artifacts.model}, never the tensors. Immutable.
 *
 * <p>Sparsity masks are not part of it: they travel beside the model as {@code artifacts.masks}
 * (the event contract), so that a step that keeps the model but drops or replaces the masks says
 * so in one field.
 *
 * @param graph the graph JSON
 * @param weights the safetensors weights
 * @param history the pruning history JSON; null for a model uploaded without one (no pruning yet)
 */
public record ModelRef(ArtifactRef graph, ArtifactRef weights, @Nullable ArtifactRef history) {
  public ModelRef {
    if (graph == null || weights == null) {
      throw new IllegalArgumentException((graph == null ? "graph" : "weights") + ": required");
    }
  }

  /** Every file of the model, in folder order: graph, weights, then history if any. */
  public List<ArtifactRef> files() {
    List<ArtifactRef> files = new ArrayList<>(List.of(graph, weights));
    if (history != null) {
      files.add(history);
    }
    return List.copyOf(files);
  }

  /** Bytes in all files. */
  public long totalSize() {
    return files().stream().mapToLong(ArtifactRef::size).sum();
  }
}
