package dev.topiary.gateway.upload;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.weights.SafetensorsFile;
import dev.topiary.engine.weights.Weights;
import dev.topiary.gateway.GatewayConfig;
import dev.topiary.gateway.api.ApiException;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Accepts a model upload: {@code graph.json} read strictly by the engine, {@code
 * weights.safetensors} read from the uploaded file by the engine's safetensors reader (never
 * copied into memory as bytes) and checked tensor by tensor against the graph's parameter shapes.
 * Only then are both stored under {@code uploads/<tenant>/models/<id>/}, the weights streamed in
 * parts. Refusals name the file.
 */
@ApplicationScoped
public class ModelUploads {
  public static final String GRAPH_PART = Model.GRAPH_FILE;
  public static final String WEIGHTS_PART = Model.WEIGHTS_FILE;

  /** What the upload answers: the references a job spec's {@code model.graph} and {@code model.weights} cite. */
  public record StoredModel(String id, String name, ArtifactRef graph, ArtifactRef weights, long params, long macs) {}

  @Inject
  ArtifactStore store;

  @Inject
  GatewayConfig config;

  /**
   * @param graphFile the uploaded graph, or null when the part is missing
   * @param weightsFile the uploaded weights, or null when the part is missing
   */
  public StoredModel accept(String tenant, Path graphFile, Path weightsFile) {
    if (graphFile == null) {
      throw ApiException.badRequest(GRAPH_PART, "required: a multipart part named " + GRAPH_PART + " (with " + WEIGHTS_PART
          + "), or one part named model.onnx");
    }
    if (weightsFile == null) {
      throw ApiException.badRequest(WEIGHTS_PART, "required: a multipart part named " + WEIGHTS_PART
          + " (a model without weights needs no upload: cite a zoo model and a baseline in the job spec)");
    }
    checkSize(graphFile, GRAPH_PART);
    checkSize(weightsFile, WEIGHTS_PART);
    byte[] graphBytes = readAll(graphFile, GRAPH_PART);
    Graph graph = graph(graphBytes);
    try {
      // read from the uploaded file, not from a copy in memory; the reader names the file by its
      // path, which the field replaces in the message
      Weights weights = Weights.fromFile(SafetensorsFile.read(weightsFile), WEIGHTS_PART);
      weights.checkAgainst(graph.paramShapes(), WEIGHTS_PART);
    } catch (TopiaryException | IllegalArgumentException e) {
      String named = String.valueOf(e.getMessage()).replace(weightsFile.toString(), WEIGHTS_PART);
      throw ApiException.badRequest(WEIGHTS_PART, withoutFile(named, WEIGHTS_PART));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the uploaded " + WEIGHTS_PART, e);
    }
    String id = UploadIds.next('m');
    String prefix = Keys.upload(tenant, "models", id);
    try {
      ArtifactRef g = store.put(prefix + GRAPH_PART, graphBytes);
      ArtifactRef w = store.put(prefix + WEIGHTS_PART, weightsFile); // streamed, in parts when large
      return new StoredModel(id, graph.name(), g, w, graph.parameterCount(), graph.macs());
    } catch (RuntimeException e) {
      store.delete(prefix);
      throw e;
    }
  }

  private void checkSize(Path file, String part) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the uploaded " + part, e);
    }
    if (size > config.maxModelBytes()) {
      throw ApiException.tooLarge(part, size, config.maxModelBytes());
    }
    if (size == 0) {
      throw ApiException.badRequest(part, "empty file");
    }
  }

  private static byte[] readAll(Path file, String part) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the uploaded " + part, e);
    }
  }

  private static Graph graph(byte[] bytes) {
    String json;
    try {
      json = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(GRAPH_PART, "not UTF-8 text: expected the JSON of a topiary-graph");
    }
    try {
      return GraphJson.read(json, GRAPH_PART);
    } catch (TopiaryException | IllegalArgumentException e) {
      throw ApiException.badRequest(GRAPH_PART, withoutFile(String.valueOf(e.getMessage()), GRAPH_PART));
    }
  }

  /** The engine's message without a leading {@code <file>: }, which the field already names. */
  private static String withoutFile(String m, String file) {
    return m.startsWith(file + ": ") ? m.substring(file.length() + 2) : m;
  }
}
