package dev.topiary.engine.prune;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.onnx.OnnxImporter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.GradMode;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Shortcut;
import dev.topiary.engine.zoo.Zoo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The proof of surgery: after each step, the pruned model's outputs equal those of the model
 * before the step with the removed channels zeroed at every node of the group; for the zoo's
 * architectures and for graphs shaped like imported ONNX models ({@link ImportedGraphs}).
 */
class SurgeryEquivalenceTest {
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static Stream<Arguments> architectures() {
    return Stream.of(
        Arguments.of("vgg16-bn", ModelSpec.of("vgg16-bn")),
        Arguments.of("resnet56-A", ModelSpec.builder().setArch("resnet56").optShortcut(Shortcut.A).build()),
        Arguments.of("resnet56-B", ModelSpec.builder().setArch("resnet56").optShortcut(Shortcut.B).build()),
        Arguments.of("mobilenetv2-cifar", ModelSpec.builder().setArch("mobilenetv2").optCifar(true).build()),
        Arguments.of("densenet40", ModelSpec.of("densenet40")),
        Arguments.of("googlenet", ModelSpec.of("googlenet")),
        Arguments.of("yolov5s", ModelSpec.builder().setArch("yolov5s").optInputShape(3, 64, 64).build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("architectures")
  void prunedModelEqualsOriginalWithRemovedChannelsZeroed(String label, ModelSpec spec) {
    Model model = randomised(Zoo.build(spec), 7);
    DependencyGraph deps = DependencyGraph.of(model.graph());
    List<ChannelGroup> prunable = deps.prunableGroups();
    assertFalse(prunable.isEmpty(), label + " has prunable groups");
    Random r = new Random(11);
    int steps = Math.min(5, prunable.size());
    NDArray x = manager.randomNormal(model.graph().inputs().get(0).shape().withBatch(2));
    int start = model.graph().paramShapes().size();
    for (int s = 0; s < steps; s++) {
      DependencyGraph d = DependencyGraph.of(model.graph());
      List<ChannelGroup> groups = d.prunableGroups();
      ChannelGroup g = groups.get(s * groups.size() / steps); // spread over the depth of the net
      int[] units = pick(r, g.units(), Math.max(1, g.units() * 2 / 5));
      Model pruned = Surgery.prune(model, d, g, units, label + " step " + s);
      float[] expected = maskedOutput(model, g, units, x);
      float[] actual = output(pruned, x);
      assertClose(expected, actual, label + " after pruning " + g.name() + " " + Arrays.toString(units));
      assertFalse(Arrays.equals(output(model, x), actual), label + ": pruning " + g.name() + " changed nothing, so the comparison proves nothing");
      assertTrue(pruned.graph().parameterCount() < model.graph().parameterCount());
      model = pruned;
    }
    assertEquals(start, model.graph().paramShapes().size(), "surgery keeps every parameter, only smaller");
    assertEquals(steps, model.history().size());
  }

  static Stream<Arguments> importedGraphs() {
    return Stream.of(Arguments.of("se-conv", ImportedGraphs.seConv()), Arguments.of("se-gemm", ImportedGraphs.seGemm()));
  }

  /**
   * Gates, constants, instance norm, pad, both resizes, slices and reshapes: pruning each prunable
   * group of the unpruned graph equals masking its channels.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("importedGraphs")
  void prunedImportedGraphEqualsOriginalWithRemovedChannelsZeroed(String label, Graph g) {
    Model model = randomised(g, 5);
    DependencyGraph d = DependencyGraph.of(g);
    Random r = new Random(3);
    Shape batch = g.inputs().get(0).shape().withBatch(2);
    float[] pixels = new float[(int) batch.size()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) r.nextGaussian();
    }
    NDArray x = manager.create(pixels, batch); // seeded: a unit that every input leaves dead would change nothing
    float[] unpruned = output(model, x);
    assertTrue(d.prunableGroups().size() >= 3, label + ": " + d.report());
    for (ChannelGroup grp : d.prunableGroups()) {
      int[] units = pick(r, grp.units(), Math.max(1, grp.units() * 2 / 5));
      Model pruned = Surgery.prune(model, d, grp, units, label);
      float[] actual = output(pruned, x);
      assertClose(maskedOutput(model, grp, units, x), actual, label + " after pruning " + grp.name() + " " + Arrays.toString(units));
      assertFalse(Arrays.equals(unpruned, actual), label + ": pruning " + grp.name() + " changed nothing");
    }
  }

  static Stream<Arguments> onnxFixtures() {
    return dev.topiary.engine.onnx.OnnxFixtureFiles.names().stream().map(Arguments::of);
  }

  /**
   * Models written by PyTorch's ONNX exporter, imported: pruning groups spread over the depth of
   * each net (up to six) equals masking their channels, with the weights PyTorch wrote.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("onnxFixtures")
  void prunedOnnxModelEqualsOriginalWithRemovedChannelsZeroed(String file) {
    Model model = OnnxImporter.builder().build().importFile(dev.topiary.engine.onnx.OnnxFixtureFiles.path(file));
    DependencyGraph d = DependencyGraph.of(model.graph());
    List<ChannelGroup> groups = d.prunableGroups();
    assertFalse(groups.isEmpty(), file + " has prunable groups: " + d.report());
    Random r = new Random(5);
    NDArray x = manager.randomNormal(0, 1, model.graph().inputs().get(0).shape().withBatch(2), ai.djl.ndarray.types.DataType.FLOAT32);
    float[] unpruned = output(model, x);
    int steps = Math.min(6, groups.size());
    int changed = 0;
    for (int s = 0; s < steps; s++) {
      ChannelGroup grp = groups.get(s * groups.size() / steps);
      int[] units = pick(r, grp.units(), Math.max(1, grp.units() * 2 / 5));
      Model pruned = Surgery.prune(model, d, grp, units, file);
      float[] actual = output(pruned, x);
      assertClose(maskedOutput(model, grp, units, x), actual, file + " after pruning " + grp.name() + " " + Arrays.toString(units));
      changed += Arrays.equals(unpruned, actual) ? 0 : 1; // a ReLU may leave a small layer's unit dead for every input
    }
    assertTrue(changed >= steps - 1, file + ": only " + changed + " of " + steps + " cuts changed the output, so the comparison proves little");
  }

  /** Torch-default init plus non-trivial BN statistics, so BN slicing is exercised. */
  static Model randomised(Graph g, long seed) {
    GraphBlock block = new GraphBlock(g, seed);
    block.initialize(manager);
    Weights w = BlockWeights.export(block);
    Random r = new Random(seed);
    for (ParamKey k : List.copyOf(w.keys())) {
      float[] d = w.get(k).data();
      for (int i = 0; i < d.length; i++) {
        if (k.role() == ParamRole.RUNNING_VAR) {
          d[i] = 0.5f + r.nextFloat();
        } else if (k.role() == ParamRole.RUNNING_MEAN || k.role() == ParamRole.BETA) {
          d[i] = (r.nextFloat() - 0.5f) * 0.2f;
        } else if (k.role() == ParamRole.GAMMA || k.role() == ParamRole.VALUE) {
          d[i] = 0.5f + r.nextFloat(); // a Constant's zeros would cancel what it multiplies
        }
      }
    }
    return new Model(g, w);
  }

  private static int[] pick(Random r, int n, int k) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    java.util.Collections.shuffle(all, r);
    return all.subList(0, k).stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  private static float[] output(Model m, NDArray x) {
    try (NDManager sub = manager.newSubManager()) {
      GraphBlock b = BlockWeights.load(m, sub);
      return flatten(b.infer(new NDList(x)));
    }
  }

  private static float[] maskedOutput(Model m, ChannelGroup g, int[] units, NDArray x) {
    try (NDManager sub = manager.newSubManager(); GradMode.Scope s = GradMode.disabled()) {
      GraphBlock b = BlockWeights.load(m, sub);
      NDList out = b.forwardWithTap(new ParameterStore(sub, false), new NDList(x), false, (node, value) -> {
        int[][] idx = g.indices().get(node);
        if (idx == null) {
          return value;
        }
        long channels = value.getShape().get(1);
        float[] mask = new float[(int) channels];
        Arrays.fill(mask, 1f);
        for (int u : units) {
          for (int c : idx[u]) {
            mask[c] = 0f;
          }
        }
        long[] shape = new long[value.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[1] = channels;
        return value.mul(sub.create(mask, new Shape(shape)));
      });
      return flatten(out);
    }
  }

  /** All outputs (YOLO has three) end to end. */
  private static float[] flatten(NDList outputs) {
    List<float[]> parts = new ArrayList<>();
    int n = 0;
    for (NDArray o : outputs) {
      float[] p = o.toFloatArray();
      parts.add(p);
      n += p.length;
    }
    float[] all = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": output size");
    float scale = 0;
    for (float v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    float tol = 1e-4f * Math.max(1f, scale);
    float worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst <= tol, what + ": max |diff| " + worst + " > " + tol);
  }

}
