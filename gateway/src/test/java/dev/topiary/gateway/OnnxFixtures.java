package dev.topiary.gateway;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OnnxExporter;
import dev.topiary.engine.onnx.OnnxImporter;
import dev.topiary.engine.onnx.OrtSessions;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** ONNX inputs for the tests: the committed ResNet fixture, a copy with an op the importer lacks, a 1-channel LeNet-5, and runs in ORT and DJL. */
public final class OnnxFixtures {
  /** The per-sample input shape of the ResNet fixture. */
  public static final int[] RESNET_INPUT = {3, 32, 32};

  private OnnxFixtures() {}

  /** {@code resnet-bn-op13.onnx}: PyTorch's BasicBlock ResNet, input {@code input}, output {@code output} of 10 classes, BN kept. */
  public static byte[] resnet() {
    try (InputStream in = OnnxFixtures.class.getResourceAsStream("/onnx/resnet-bn-op13.onnx")) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ResNet fixture as the engine imports it (for expected counts and outputs). */
  public static Model resnetImported(Path dir) throws IOException {
    Path file = dir.resolve("resnet.onnx");
    Files.write(file, resnet());
    return OnnxImporter.builder().build().importFile(file);
  }

  /** The ResNet fixture with node 2's op turned into Gelu, which the importer does not know; returns that node's name. */
  public static Map.Entry<String, byte[]> resnetWithGelu() {
    try {
      ModelProto.Builder b = ModelProto.parseFrom(resnet()).toBuilder();
      b.getGraphBuilder().getNodeBuilder(2).setOpType("Gelu");
      return Map.entry(b.getGraph().getNode(2).getName(), b.build().toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** LeNet-5 (1x28x28, 10 classes) written by the engine's exporter: a 1-channel model. */
  public static byte[] lenet() {
    Weights w = new Weights();
    for (Map.Entry<ParamKey, int[]> e : Fixtures.lenet().paramShapes().entrySet()) {
      w.put(e.getKey(), Tensor.zeros(e.getValue()));
    }
    return OnnxExporter.builder().build().toBytes(new Model(Fixtures.lenet(), w));
  }

  /** A deterministic batch of two samples of the given per-sample shape. */
  public static float[] input(int[] sample) {
    int n = 2 * sample[0] * sample[1] * sample[2];
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) Math.sin(i * 0.37) * 0.8f;
    }
    return x;
  }

  /** The named output of an ONNX model run in ONNX Runtime on {@link #input} (batch 2). */
  public static float[] runOrt(byte[] onnx, int[] sample, String output) throws Exception {
    try (ai.onnxruntime.OrtSession s = OrtSessions.open(onnx)) {
      return OrtSessions.run(s, input(sample), new long[] {2, sample[0], sample[1], sample[2]}).get(output).data();
    }
  }

  /** The model's only output run in DJL on {@link #input} (batch 2). */
  public static float[] runDjl(Model model, int[] sample) {
    try (NDManager manager = NDManager.newBaseManager()) {
      GraphBlock block = BlockWeights.load(model, manager);
      NDArray x = manager.create(input(sample), new Shape(2, sample[0], sample[1], sample[2]));
      NDList out = block.infer(new NDList(x));
      return out.get(0).toFloatArray();
    }
  }

  /** The largest absolute difference relative to the largest magnitude of {@code expected}. */
  public static double relativeDiff(float[] expected, float[] actual) {
    double scale = 1e-12;
    double diff = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
    }
    return diff / scale;
  }
}
