package dev.topiary.engine.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.weights.Weights;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * A model: a graph, weights that fit it exactly, and the pruning history that led to it. A pruned
 * model is a model like any other. Stored as a folder: {@value #GRAPH_FILE}, {@value #WEIGHTS_FILE}
 * and {@value #HISTORY_FILE}.
 *
 * <p>Invariant: every parameter of the graph has a tensor of the expected shape and there is no
 * other tensor (checked on construction, since DJL's own parameter loading does not check).
 */
public record Model(Graph graph, Weights weights, List<PruningStep> history) {
  public static final String GRAPH_FILE = "graph.json";
  public static final String WEIGHTS_FILE = "weights.safetensors";
  public static final String HISTORY_FILE = "history.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Model {
    weights.checkAgainst(graph.paramShapes(), graph.name());
    history = List.copyOf(history);
  }

  /** A model with no pruning history. */
  public Model(Graph graph, Weights weights) {
    this(graph, weights, List.of());
  }

  /** Loads a model folder, checking every weight shape against the graph. */
  public static Model load(Path dir) throws IOException {
    Path g = dir.resolve(GRAPH_FILE);
    Path w = dir.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(g)) {
      throw new InvalidModelException(g + ": missing (a model folder holds " + GRAPH_FILE + " and " + WEIGHTS_FILE + ")");
    }
    if (!Files.isRegularFile(w)) {
      throw new InvalidModelException(w + ": missing (a model folder holds " + GRAPH_FILE + " and " + WEIGHTS_FILE + ")");
    }
    Graph graph = GraphJson.read(g);
    Weights weights = Weights.read(w);
    weights.checkAgainst(graph.paramShapes(), w.toString());
    return new Model(graph, weights, readHistory(dir.resolve(HISTORY_FILE)));
  }

  /**
   * Writes the model folder. Each file goes to a temporary name first and is then moved into
   * place, so a reader never sees a half-written file.
   */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    writeAtomically(dir.resolve(GRAPH_FILE), tmp -> GraphJson.write(graph, tmp));
    writeAtomically(dir.resolve(WEIGHTS_FILE), tmp -> weights.write(tmp, Map.of("format", "topiary-weights", "graph", graph.name())));
    writeAtomically(dir.resolve(HISTORY_FILE), tmp -> JSON.writeValue(tmp.toFile(), history.stream()
        .map(s -> Map.of("node", s.node(), "removed", s.removed(), "note", s.note())).toList()));
  }

  /** The same graph and history with other weights (checked). */
  public Model withWeights(Weights w) {
    return new Model(graph, w, history);
  }

  /**
   * Reads a {@value #HISTORY_FILE} on its own (a missing file is an empty history), as a job that
   * replays another model's pruning steps does.
   *
   * @throws InvalidModelException naming the file when it is not a pruning history
   */
  public static List<PruningStep> readHistory(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      List<Map<String, Object>> raw = JSON.readValue(file.toFile(), new TypeReference<>() {});
      return raw.stream().map(m -> new PruningStep((String) m.get("node"),
          ((List<?>) m.get("removed")).stream().mapToInt(v -> ((Number) v).intValue()).toArray(),
          (String) m.get("note"))).toList();
    } catch (IOException | RuntimeException e) {
      throw new InvalidModelException(file + ": not a valid pruning history: " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface Writer {
    void write(Path tmp) throws IOException;
  }

  private static void writeAtomically(Path target, Writer writer) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      writer.write(tmp);
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (NoSuchFileException ignored) {
        // already moved
      }
    }
  }
}
