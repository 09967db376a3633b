package dev.topiary.engine.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OnnxImporter;
import dev.topiary.engine.weights.Npy;
import dev.topiary.engine.weights.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Runs a model on a NumPy batch (float32, C order, [N, C, H, W]) and writes its outputs as .npy;"
        + " a model with several outputs writes y.<output-name>.npy for each.")
final class PredictCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "a model folder, or an .onnx file")
  Path model;

  @Option(names = "--input", required = true, description = "the input batch, a .npy file")
  Path input;

  @Option(names = "--out", required = true, description = "the output .npy file")
  Path out;

  @Option(names = "--runtime", defaultValue = "djl", description = "djl or onnxruntime (default ${DEFAULT-VALUE})")
  String runtime;

  @Mixin RuntimeOptions threads;

  @Override
  public Integer call() throws IOException {
    if (!runtime.equals("djl") && !runtime.equals("onnxruntime")) {
      throw new IllegalArgumentException("--runtime must be djl or onnxruntime, got '" + runtime + "'");
    }
    Tensor x = Npy.read(input);
    int[] dims = x.shape();
    if (dims.length < 2) {
      throw new IllegalArgumentException(input + ": shape " + Arrays.toString(dims) + " has no batch dimension");
    }
    threads.apply();
    Model m = ModelOptions.isOnnx(model)
        ? OnnxImporter.builder().optShapeForDynamicDimensions(Arrays.copyOfRange(dims, 1, dims.length)).build().importFile(model)
        : ModelOptions.load(model, null);
    int[] want = m.graph().inputs().get(0).shape().toArray();
    if (!Arrays.equals(want, Arrays.copyOfRange(dims, 1, dims.length))) {
      throw new IllegalArgumentException(input + ": shape " + Arrays.toString(dims) + " does not fit the model's input [N, "
          + Arrays.toString(want).substring(1));
    }
    Map<String, Tensor> outputs = runtime.equals("djl") ? djl(m, x) : OrtPredict.run(model, m, x, threads.threads);
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      Path file = outputs.size() == 1 ? out : perOutput(out, e.getKey());
      Npy.write(file, e.getValue().shape(), e.getValue().data());
      System.out.println("wrote " + file + " " + Arrays.toString(e.getValue().shape()) + " (" + e.getKey() + ")");
    }
    return 0;
  }

  /** y.npy and output "out0" give y.out0.npy; characters a file name cannot hold become '_'. */
  static Path perOutput(Path out, String output) {
    String base = out.getFileName().toString().replaceFirst("\\.npy$", "");
    String safe = output.replaceAll("[^A-Za-z0-9_.\\-]", "_").replaceAll("^[._]+", "");
    return out.resolveSibling(base + "." + safe + ".npy");
  }

  private static Map<String, Tensor> djl(Model m, Tensor x) {
    try (NDManager manager = NDManager.newBaseManager(EngineSettings.computeDevice())) {
      GraphBlock block = BlockWeights.load(m, manager);
      long[] shape = Arrays.stream(x.shape()).asLongStream().toArray();
      NDArray batch = manager.create(x.data(), new Shape(shape));
      NDList y = block.infer(new NDList(batch));
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (int i = 0; i < y.size(); i++) {
        int[] dims = Arrays.stream(y.get(i).getShape().getShape()).mapToInt(d -> (int) d).toArray();
        out.put(m.graph().outputs().get(i), new Tensor(dims, y.get(i).toFloatArray()));
      }
      return out;
    }
  }
}
