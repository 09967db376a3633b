package dev.topiary.pipeline.store;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.sparse.SparsityMask;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A model folder in the store (see {@link Model}): its {@value Model#GRAPH_FILE},
 * {@value Model#WEIGHTS_FILE} and {@value Model#HISTORY_FILE}, and {@value SparsityMask#FILE_NAME}
 * when the model carries sparsity masks. Events carry this, never the tensors.
 *
 * @param graph the graph JSON
 * @param weights the safetensors weights
 * @param history the pruning history JSON
 * @param masks the sparsity masks, or {@code null} when the model has none
 */
public record ModelRef(ArtifactRef graph, ArtifactRef weights, ArtifactRef history, ArtifactRef masks) {
  public ModelRef {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(history, "history");
  }

  public boolean hasMasks() {
    return masks != null;
  }

  /** Every file of the model, in folder order: graph, weights, history, then masks if any. */
  public List<ArtifactRef> files() {
    List<ArtifactRef> files = new ArrayList<>(List.of(graph, weights, history));
    if (masks != null) {
      files.add(masks);
    }
    return List.copyOf(files);
  }

  /** Bytes in all files. */
  public long totalSize() {
    return files().stream().mapToLong(ArtifactRef::size).sum();
  }
}
