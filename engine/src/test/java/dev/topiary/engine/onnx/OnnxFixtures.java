package dev.topiary.engine.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.weights.Npy;
import dev.topiary.engine.weights.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ONNX fixtures written by bench/onnx/export_fixtures.py from real PyTorch 1.13 (test resources
 * under onnx/, listed in fixtures.json), with each family's input and PyTorch's outputs.
 */
final class OnnxFixtures {
  /** One fixture file. */
  record Fixture(String file, String family, boolean bn, int opset, String input, List<String> outputs, long params) {
    Path path() {
      return dir().resolve(file);
    }

    Tensor inputArray() {
      return npy(family + ".input.npy");
    }

    /** PyTorch's output for each output name, in the graph's order. */
    Map<String, Tensor> expected() {
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (String o : outputs) {
        out.put(o, npy(family + "." + o + ".npy"));
      }
      return out;
    }

    @Override
    public String toString() {
      return file;
    }
  }

  private OnnxFixtures() {}

  static Path dir() {
    try {
      return Path.of(OnnxFixtures.class.getResource("/onnx/fixtures.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Fixture> all() {
    try {
      JsonNode root = new ObjectMapper().readTree(dir().resolve("fixtures.json").toFile());
      List<Fixture> out = new ArrayList<>();
      for (JsonNode f : root) {
        List<String> outputs = new ArrayList<>();
        f.get("outputs").forEach(o -> outputs.add(o.get("name").asText()));
        out.add(new Fixture(f.get("file").asText(), f.get("family").asText(), f.get("bn").asBoolean(),
            f.get("opset").asInt(), f.get("input").get("name").asText(), outputs, f.get("params").asLong()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Fixture named(String file) {
    return all().stream().filter(f -> f.file().equals(file)).findFirst().orElseThrow();
  }

  static Tensor npy(String name) {
    try {
      return Npy.read(dir().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The model's outputs in DJL for an input, by output name. */
  static Map<String, Tensor> runDjl(Model model, Tensor input) {
    try (NDManager manager = NDManager.newBaseManager()) {
      GraphBlock block = BlockWeights.load(model, manager);
      long[] shape = new long[input.shape().length];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = input.shape()[i];
      }
      NDArray x = manager.create(input.data(), new ai.djl.ndarray.types.Shape(shape));
      NDList out = block.infer(new NDList(x));
      Map<String, Tensor> result = new LinkedHashMap<>();
      for (int i = 0; i < out.size(); i++) {
        long[] s = out.get(i).getShape().getShape();
        int[] dims = new int[s.length];
        for (int d = 0; d < s.length; d++) {
          dims[d] = (int) s[d];
        }
        result.put(model.graph().outputs().get(i), new Tensor(dims, out.get(i).toFloatArray()));
      }
      return result;
    }
  }

  /** max |a - b| over the largest |expected| (at least 1): the tolerance's scale. */
  static double relativeDiff(Tensor expected, Tensor actual) {
    float[] e = expected.data();
    float[] a = actual.data();
    if (e.length != a.length) {
      return Double.POSITIVE_INFINITY;
    }
    double max = 0;
    double scale = 1;
    for (int i = 0; i < e.length; i++) {
      max = Math.max(max, Math.abs(e[i] - a[i]));
      scale = Math.max(scale, Math.abs(e[i]));
    }
    return max / scale;
  }
}
