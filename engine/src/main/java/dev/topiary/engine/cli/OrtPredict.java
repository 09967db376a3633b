package dev.topiary.engine.cli;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OnnxExporter;
import dev.topiary.engine.onnx.OrtSessions;
import dev.topiary.engine.weights.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs a model in ONNX Runtime: an .onnx file as it is, a model folder exported in memory first. */
final class OrtPredict {
  private OrtPredict() {}

  static Map<String, Tensor> run(Path source, Model m, Tensor x, int threads) {
    long[] shape = Arrays.stream(x.shape()).asLongStream().toArray();
    try (OrtSession s = session(source, m, threads)) {
      Map<String, Tensor> out = new LinkedHashMap<>();
      OrtSessions.run(s, x.data(), shape).forEach((name, o) ->
          out.put(name, new Tensor(Arrays.stream(o.shape()).mapToInt(d -> (int) d).toArray(), o.data())));
      return out;
    } catch (OrtException e) {
      throw new IllegalArgumentException(source + ": ONNX Runtime refused the model: " + e.getMessage(), e);
    }
  }

  /** A session over the file itself, or over the model exported at the default opset. */
  static OrtSession session(Path source, Model m, int threads) throws OrtException {
    return ModelOptions.isOnnx(source) ? OrtSessions.open(source, threads)
        : OrtSessions.open(OnnxExporter.builder().build().toBytes(m), threads);
  }
}
