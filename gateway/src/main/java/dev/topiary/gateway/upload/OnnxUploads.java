package dev.topiary.gateway.upload;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OnnxImporter;
import dev.topiary.gateway.GatewayConfig;
import dev.topiary.gateway.api.ApiException;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.pipeline.store.ModelRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Accepts an ONNX model upload: the engine's {@link OnnxImporter} reads the HTTP layer's file
 * (memory-mapped, never copied into a byte array) under the gateway's size limit, and only a file
 * it imports is stored, under {@code uploads/<tenant>/models/<id>/}: the original {@value
 * #ONNX_PART} and, beside it, the imported model folder ({@code graph.json}, {@code
 * weights.safetensors}, {@code history.json}), which a job citing the file starts from. Refusals
 * name the part and store nothing.
 */
@ApplicationScoped
public class OnnxUploads {
  public static final String ONNX_PART = "model.onnx";

  /** What the upload answers: the reference a spec's {@code model.onnx} cites, the imported files, and what the file holds. */
  public record StoredOnnx(String id, String name, ArtifactRef onnx, ArtifactRef graph, ArtifactRef weights, String inputName,
      java.util.List<Integer> inputShape, java.util.List<ModelSummary.Output> outputs, Integer classes, long params, long macs,
      boolean batchNorm) {}

  @Inject
  ArtifactStore store;

  @Inject
  GatewayConfig config;

  /**
   * @param fileName the name the client gave the file: the model's name when it is a safe {@code <name>.onnx}, else {@code model}
   * @param file where the HTTP layer spooled it
   */
  public StoredOnnx accept(String tenant, String fileName, Path file) {
    long size = size(file);
    if (size > config.maxOnnxBytes()) {
      throw ApiException.tooLarge(ONNX_PART, size, config.maxOnnxBytes());
    }
    if (size == 0) {
      throw ApiException.badRequest(ONNX_PART, "empty file: expected an ONNX model (a ModelProto)");
    }
    Model model = importFile(file, modelName(fileName));
    String id = UploadIds.next('m');
    String prefix = Keys.upload(tenant, "models", id);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("topiary-onnx-upload");
      model.save(dir);
      ArtifactRef onnx = store.put(prefix + ONNX_PART, file); // streamed, in parts when large
      ModelRef imported = store.putModel(prefix, dir);
      ModelSummary s = ModelSummary.of(model.graph());
      return new StoredOnnx(id, model.graph().name(), onnx, imported.graph(), imported.weights(), s.inputName(), s.inputShape(),
          s.outputs(), s.classes(), s.params(), s.macs(), s.batchNorm());
    } catch (IOException e) {
      store.delete(prefix);
      throw new UncheckedIOException("writing the imported model of the uploaded " + ONNX_PART, e);
    } catch (RuntimeException e) {
      store.delete(prefix);
      throw e;
    } finally {
      TempDirs.deleteTree(dir);
    }
  }

  /**
   * The importer's model, or a 400 naming the part with the importer's reason (node and op for an
   * unsupported op). The importer reads a link to the upload in a folder of its own, named after
   * the model: the importer takes the model's name from the file's, and looks for external data
   * beside the file, where it must find nothing but the upload (so such a file is refused).
   */
  private Model importFile(Path file, String name) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("topiary-onnx-import");
      Path link = Files.createSymbolicLink(dir.resolve(name + ".onnx"), file.toAbsolutePath());
      try {
        return OnnxImporter.builder().optMaxFileBytes(config.maxOnnxBytes()).build().importFile(link);
      } catch (TopiaryException | IllegalArgumentException e) {
        String m = String.valueOf(e.getMessage()).replace(link.toString(), ONNX_PART).replace(dir.toString(), "");
        throw ApiException.badRequest(ONNX_PART, m.startsWith(ONNX_PART + ": ") ? m.substring(ONNX_PART.length() + 2) : m);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the uploaded " + ONNX_PART, e);
    } finally {
      TempDirs.deleteTree(dir);
    }
  }

  private static String modelName(String fileName) {
    String base = fileName == null ? "" : fileName.replaceFirst("(?i)\\.onnx$", "");
    return SafeNames.isSegment(base) && base.length() <= 63 ? base : "model";
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the uploaded " + ONNX_PART, e);
    }
  }

}
