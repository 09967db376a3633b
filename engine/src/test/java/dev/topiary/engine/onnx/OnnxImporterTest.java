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
