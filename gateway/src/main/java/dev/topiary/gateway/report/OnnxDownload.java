package dev.topiary.gateway.report;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OnnxExporter;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.ModelRef;
import dev.topiary.gateway.upload.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stored model as one ONNX file: the model folder fetched and hash-verified from the store,
 * loaded (every weight checked against the graph) and written by the engine's {@link OnnxExporter}
 * at its default opset, BatchNorm folded into the convolutions first when asked. The graph's input
 * and output names are the file's, so a model imported from ONNX keeps its original names.
 */
public final class OnnxDownload {
  /** The file name of the download. */
  public static final String FILE = "model.onnx";

  private OnnxDownload() {}

  /**
   * The model as ONNX bytes (as large as the weights: the loaded model holds them anyway).
   *
   * @throws dev.topiary.engine.UnsupportedOperatorException when the exporter cannot write an op, naming it
   */
  public static byte[] export(ArtifactStore store, ModelRef ref, boolean foldBn) throws IOException {
    Path dir = Files.createTempDirectory("topiary-onnx-download");
    try {
      Model model = Model.load(store.getModel(ref, dir));
      return OnnxExporter.builder().optFoldBn(foldBn).build().toBytes(model);
    } finally {
      TempDirs.deleteTree(dir);
    }
  }
}
