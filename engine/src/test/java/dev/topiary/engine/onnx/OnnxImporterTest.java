package dev.topiary.engine.onnx;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.weights.Tensor;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture written by real PyTorch imports, computes PyTorch's outputs in DJL, counts
 * PyTorch's parameters, and keeps the file's names.
 */
class OnnxImporterTest {
  /** The tolerance of the issue: max |a - b| relative to the output's scale. */
  static final double TOLERANCE = 1e-4;

  static Stream<OnnxFixtures.Fixture> fixtures() {
    return OnnxFixtures.all().stream();
  }

  static Model load(OnnxFixtures.Fixture f) {
    return OnnxImporter.builder().build().importFile(f.path());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void importedModelComputesPyTorchsOutputs(OnnxFixtures.Fixture f) {
    Model m = load(f);
    Map<String, Tensor> got = OnnxFixtures.runDjl(m, f.inputArray());
    double tolerance = f.file().contains("fp16") ? 1e-3 : TOLERANCE; // half-precision weights
    for (Map.Entry<String, Tensor> e : f.expected().entrySet()) {
      Tensor actual = got.get(e.getKey());
      assertNotNull(actual, "output " + e.getKey() + " of " + f);
      assertArrayEquals(e.getValue().shape(), actual.shape(), "shape of " + e.getKey());
      double diff = OnnxFixtures.relativeDiff(e.getValue(), actual);
      assertTrue(diff <= tolerance, f + " output " + e.getKey() + ": relative difference " + diff);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void keepsTheFilesInputAndOutputNames(OnnxFixtures.Fixture f) {
    Model m = load(f);
    assertEquals(List.of(f.input()), m.graph().inputs().stream().map(i -> i.name()).toList());
    assertEquals(f.outputs(), m.graph().outputs());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void countsPyTorchsParametersWhereBatchNormIsKept(OnnxFixtures.Fixture f) {
    Model m = load(f);
    boolean hasBn = m.graph().nodes().stream().anyMatch(n -> n.type() == OpType.BATCH_NORMALIZATION);
    if (f.bn()) {
      assertTrue(hasBn, f + " keeps its BatchNormalization");
      assertEquals(f.params(), m.graph().parameterCount(), "parameters of " + f);
    } else {
      // folding removes BN's gamma and beta (2 per channel) but adds a conv bias (1 per channel)
      assertTrue(m.graph().parameterCount() < f.params(), f + " has fewer parameters once BN is folded");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void onnxRuntimeOnTheFileAgreesWithPyTorchAndWithDjl(OnnxFixtures.Fixture f) throws Exception {
    Tensor x = f.inputArray();
    Map<String, OrtSessions.Output> ort;
    try (ai.onnxruntime.OrtSession s = OrtSessions.open(f.path())) {
      ort = OrtSessions.run(s, x.data(), java.util.Arrays.stream(x.shape()).asLongStream().toArray());
    }
    Map<String, Tensor> djl = OnnxFixtures.runDjl(load(f), x);
    double tolerance = f.file().contains("fp16") ? 1e-3 : TOLERANCE;
    for (Map.Entry<String, Tensor> e : f.expected().entrySet()) {
      Tensor fromOrt = new Tensor(e.getValue().shape(), ort.get(e.getKey()).data());
      assertTrue(OnnxFixtures.relativeDiff(e.getValue(), fromOrt) <= tolerance, f + ": ONNX Runtime against PyTorch");
      assertTrue(OnnxFixtures.relativeDiff(fromOrt, djl.get(e.getKey())) <= tolerance, f + ": DJL against ONNX Runtime");
    }
  }

  /** import(export(m)) gives back the same graph (nodes, ops, names) and the same weights. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void exportThenImportGivesTheSameGraphAndWeights(OnnxFixtures.Fixture f, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    Model m = load(f);
    java.nio.file.Path file = dir.resolve(f.file());
    OnnxExporter.builder().build().write(m, file);
    Model back = OnnxImporter.builder().build().importFile(file);
    assertEquals(dev.topiary.engine.graph.GraphJson.write(m.graph()), dev.topiary.engine.graph.GraphJson.write(back.graph()), f.toString());
    assertEquals(m.weights().keys(), back.weights().keys());
    for (var k : m.weights().keys()) {
      assertEquals(m.weights().get(k), back.weights().get(k), k.toString());
    }
  }

  /** A pruned imported model goes out as ONNX and runs in ONNX Runtime with DJL's outputs. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void prunedImportedModelRunsInOnnxRuntime(OnnxFixtures.Fixture f) throws Exception {
    Model m = load(f);
    var deps = dev.topiary.engine.prune.DependencyGraph.of(m.graph());
    var groups = deps.prunableGroups();
    org.junit.jupiter.api.Assumptions.assumeFalse(groups.isEmpty(), f + " has no prunable group");
    var g = groups.get(groups.size() / 2);
    int[] units = java.util.stream.IntStream.range(0, Math.max(1, g.units() / 2)).toArray();
    Model pruned = dev.topiary.engine.prune.Surgery.prune(m, deps, g, units, "test");
    assertTrue(pruned.graph().macs() < m.graph().macs() || pruned.graph().parameterCount() < m.graph().parameterCount());
    Tensor x = f.inputArray();
    Map<String, OrtSessions.Output> ort;
    try (ai.onnxruntime.OrtSession s = OrtSessions.open(OnnxExporter.builder().optFoldBn(true).build().toBytes(pruned))) {
      ort = OrtSessions.run(s, x.data(), java.util.Arrays.stream(x.shape()).asLongStream().toArray());
    }
    Map<String, Tensor> djl = OnnxFixtures.runDjl(pruned, x);
    for (String o : pruned.graph().outputs()) {
      Tensor fromOrt = new Tensor(djl.get(o).shape(), ort.get(o).data());
      assertTrue(OnnxFixtures.relativeDiff(djl.get(o), fromOrt) <= TOLERANCE, f + " output " + o);
    }
  }

  @Test
  void keepsOnnxNodeNames() {
    Model m = load(OnnxFixtures.named("resnet-bn-op13.onnx"));
    List<String> names = m.graph().nodes().stream().map(Node::name).toList();
    assertTrue(names.stream().anyMatch(n -> n.startsWith("/") && n.endsWith("/Conv")), "node names as PyTorch wrote them: " + names);
  }

  @Test
  void foldsTheFlattenShapeChainIntoOneNode() {
    Model m = load(OnnxFixtures.named("resnet-bn-op13.onnx"));
    long flatten = m.graph().nodes().stream().filter(n -> n.type() == OpType.FLATTEN).count();
    assertEquals(1, flatten, "x.view(x.size(0), -1) is one Flatten");
    assertTrue(m.graph().nodes().stream().noneMatch(n -> n.type() == OpType.CONSTANT), "no shape constant is left as a node");
  }

  @Test
  void foldsSigmoidTimesInputIntoSiLU() {
    Model m = load(OnnxFixtures.named("yolo-bn-op13.onnx"));
    assertTrue(m.graph().nodes().stream().anyMatch(n -> n.type() == OpType.SILU));
    assertTrue(m.graph().nodes().stream().noneMatch(n -> n.type() == OpType.SIGMOID), "every x * sigmoid(x) became a SiLU");
  }

  @Test
  void foldsHardSigmoidTimesInputIntoHardSwish() {
    Model m = load(OnnxFixtures.named("se-bn-op13.onnx"));
    assertTrue(m.graph().nodes().stream().anyMatch(n -> n.type() == OpType.HARD_SWISH));
  }

  @Test
  void foldsMatMulPlusAddIntoGemmWithBias() {
    Model m = load(OnnxFixtures.named("dense-bn-op13.onnx"));
    List<Node> gemms = m.graph().nodes().stream().filter(n -> n.type() == OpType.GEMM).toList();
    assertEquals(1, gemms.size());
    assertTrue(((dev.topiary.engine.graph.Gemm) gemms.get(0).op()).bias(), "the Add became the Gemm's bias");
    assertEquals(List.of(gemms.get(0).name()), m.graph().outputs().stream().filter(o -> o.equals(gemms.get(0).name())).toList());
  }

  @Test
  void importsSplitAsChannelSlices() {
    Model m = load(OnnxFixtures.named("yolo-bn-op13.onnx"));
    assertTrue(m.graph().nodes().stream().filter(n -> n.type() == OpType.SLICE).count() >= 2);
  }

  @Test
  void importsInstanceNormAndBothResizeModes() {
    Model m = load(OnnxFixtures.named("matting-bn-op13.onnx"));
    assertTrue(m.graph().nodes().stream().anyMatch(n -> n.type() == OpType.INSTANCE_NORMALIZATION));
    List<String> modes = m.graph().nodes().stream().filter(n -> n.type() == OpType.RESIZE)
        .map(n -> ((dev.topiary.engine.graph.Resize) n.op()).coordinates()).sorted().toList();
    assertTrue(modes.contains("align_corners") && modes.stream().anyMatch(c -> c.contains("half_pixel")), "modes " + modes);
    assertTrue(m.graph().nodes().stream().anyMatch(n -> n.type() == OpType.PAD), "F.pad is a Pad");
  }
}
