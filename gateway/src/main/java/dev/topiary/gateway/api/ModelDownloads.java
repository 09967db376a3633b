package dev.topiary.gateway.api;

import dev.topiary.engine.TopiaryException;
import dev.topiary.gateway.report.ModelZip;
import dev.topiary.gateway.report.OnnxDownload;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.ModelRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * The answer to a model download in the asked {@code format}: {@code zip} (the model folder) or
 * {@code onnx} (exported, {@code foldBn} optional). The ONNX file is made before the answer
 * starts, so an export the engine refuses is a 400 naming the op, not a broken download.
 */
final class ModelDownloads {
  /** The download formats, by their query value. */
  enum Format {
    ZIP,
    ONNX;

    static Format of(String value) {
      String v = value == null || value.isBlank() ? "zip" : value.toLowerCase(Locale.ROOT);
      return Arrays.stream(values()).filter(f -> f.name().toLowerCase(Locale.ROOT).equals(v)).findFirst().orElseThrow(() ->
          ApiException.badRequest("format", "unknown format '" + value + "', expected zip or onnx"));
    }
  }

  private ModelDownloads() {}

  /** @param name the download's file name without extension */
  static Response respond(ArtifactStore store, ModelRef model, String format, boolean foldBn, String name) {
    Format f = Format.of(format);
    if (f == Format.ZIP) {
      if (foldBn) {
        throw ApiException.badRequest("foldBn", "applies to format onnx only");
      }
      StreamingOutput body = out -> ModelZip.write(store, model, out);
      return Response.ok(body, "application/zip").header("Content-Disposition", "attachment; filename=\"" + name + ".zip\"").build();
    }
    byte[] onnx;
    try {
      onnx = OnnxDownload.export(store, model, foldBn);
    } catch (TopiaryException | IllegalArgumentException e) {
      throw ApiException.badRequest("format", "the model cannot be written as ONNX: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("exporting the model to ONNX", e);
    }
    return Response.ok(onnx, "application/octet-stream")
        .header("Content-Disposition", "attachment; filename=\"" + name + ".onnx\"").build();
  }
}
