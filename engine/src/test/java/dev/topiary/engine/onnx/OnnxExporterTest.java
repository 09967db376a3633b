package dev.topiary.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.topiary.engine.graph.Add;
import dev.topiary.engine.graph.AveragePool;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Clip;
import dev.topiary.engine.graph.Concat;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Dropout;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.GlobalAveragePool;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.HardSwish;
import dev.topiary.engine.graph.Hw;
import dev.topiary.engine.graph.Identity;
import dev.topiary.engine.graph.LeakyRelu;
import dev.topiary.engine.graph.MaxPool;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.graph.SiLU;
import dev.topiary.engine.graph.Sigmoid;
import dev.topiary.engine.graph.Upsample;
import dev.topiary.engine.graph.ZeroPadShortcut;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.ModelFixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class OnnxExporterTest {
  /**
   * Every op of the zoo's IR in one network, with the variants the zoo leaves out: ceil-mode pools,
   * one whose last window is cut by the input's end (PyTorch drops or shortens such windows), an
   * average pool that does not count its padding, a dilated depthwise conv, a three-input Add,
   * one-sided Clips, a BatchNorm1d, two outputs.
   */
  static Graph coverage() {
    GraphBuilder b = Graph.builder("coverage");
    b.input("x", 3, 9, 9);
    b.add("conv1", Conv.of(8, 3, 1, 1), "x");
    b.add("bn1", BatchNormalization.standard(), "conv1");
    b.add("relu1", new Relu(), "bn1");
    b.add("dw", new Conv(8, Hw.square(3), Hw.square(2), Hw.square(2), Hw.square(2), 8, false), "relu1"); // 8x5x5
    b.add("bn2", new BatchNormalization(1e-3, 0.03), "dw");
    b.add("clip", Clip.relu6(), "bn2");
    b.add("pw", Conv.of(4, 1, 1, 0).withBias(true), "clip");
    b.add("leaky", new LeakyRelu(0.1), "pw");
    b.add("grp", new Conv(4, new Hw(3, 1), new Hw(1, 1), new Hw(1, 0), Hw.square(1), 2, false), "clip");
    b.add("silu", new SiLU(), "grp");
    b.add("cat", new Concat(), "leaky", "silu");
    b.add("add", new Add(), "cat", "clip", "bn2");
    b.add("hs", new HardSwish(), "add");
    b.add("mp", new MaxPool(Hw.square(3), Hw.square(2), Hw.square(1), true), "hs"); // 8x3x3
    b.add("ap", new AveragePool(Hw.square(2), Hw.square(2), Hw.square(1), true, true), "hs"); // 8x3x3
    b.add("ap2", new AveragePool(Hw.square(3), Hw.square(2), Hw.square(1), false, false), "hs"); // 8x3x3
    b.add("ap3", new AveragePool(Hw.square(2), Hw.square(2), Hw.square(0), true, true), "hs"); // last window half outside
    b.add("add2", new Add(), "mp", "ap", "ap2", "ap3");
    b.add("zp", new ZeroPadShortcut(2, 2, 2), "add2"); // 12x2x2
    b.add("up", new Upsample(2), "zp"); // 12x4x4
    b.add("below", new Clip(Double.NEGATIVE_INFINITY, 0.75), "up");
    b.add("above", new Clip(-0.5, Double.POSITIVE_INFINITY), "below");
    b.add("sig", new Sigmoid(), "above");
    b.add("gap", new GlobalAveragePool(), "sig");
    b.add("flat", new Flatten(), "gap");
    b.add("bn3", BatchNormalization.standard(), "flat");
    b.add("drop", new Dropout(0.5), "bn3");
    b.add("fc", new Gemm(6, true), "drop");
    b.add("fc2", new Gemm(5, false), "flat");
    b.add("logits", new Identity(), "fc");
    return b.output("logits").output("fc2").build();
  }

  @ParameterizedTest(name = "opset {0}")
  @ValueSource(ints = {11, 12, 13, 14, 15, 16, 17})
  void everyOpOfTheZooMatchesDjlAtEveryOpset(int opset) throws OrtException {
    Model model = ModelFixtures.randomised(coverage(), 4);
    double diff = ExportChecks.ortVersusDjl(model, OnnxExporter.builder().optOpset(opset).build().toBytes(model));
    assertTrue(diff <= ExportChecks.TOLERANCE, "opset " + opset + ": ORT differs from DJL by " + diff);
  }

  @ParameterizedTest
  @EnumSource(OpType.class)
  void everyOpTypeHasAnExporter(OpType type) {
    assertDoesNotThrow(() -> OnnxNodeExporters.of(type));
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 18, 0})
  void refusesAnOpsetOutsideElevenToSeventeen(int opset) {
    OnnxExporter.Builder b = OnnxExporter.builder().optOpset(opset);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
    assertTrue(e.getMessage().contains("opset " + opset), e.getMessage());
    assertTrue(e.getMessage().contains("11 to 17"), e.getMessage());
  }

  @Test
  void keepsTheIrNamesWithADynamicBatch() {
    Model model = ModelFixtures.randomised(coverage(), 4);
    ModelProto proto = OnnxExporter.builder().build().toProto(model);
    GraphProto g = proto.getGraph();
    assertEquals("topiary", proto.getProducerName());
    assertEquals(8, proto.getIrVersion());
    assertEquals(17, proto.getOpsetImport(0).getVersion());
    assertEquals("", proto.getOpsetImport(0).getDomain());
    assertEquals(List.of("x"), g.getInputList().stream().map(ValueInfoProto::getName).toList());
    assertEquals(List.of("logits", "fc2"), g.getOutputList().stream().map(ValueInfoProto::getName).toList());
    assertDims(g.getInput(0), 3, 9, 9);
    assertDims(g.getOutput(0), 6);
    Set<String> written = new HashSet<>();
    for (NodeProto n : g.getNodeList()) {
      assertTrue(written.add(n.getOutput(0)), "tensor " + n.getOutput(0) + " is written once");
    }
    model.graph().nodes().forEach(n -> assertTrue(written.contains(n.name()), "node " + n.name() + " names its output"));
    // a Dropout stays one (its ratio an initializer), so the model re-imports as it was; ORT runs it as the identity
    assertTrue(g.getNodeList().stream().anyMatch(n -> n.getOpType().equals("Dropout") && n.getInputCount() == 2), "Dropout kept with its ratio");
  }

  @Test
  void writesEveryParameterAsALittleEndianFloatInitializer() {
    Model model = ModelFixtures.randomised(coverage(), 4);
    GraphProto g = OnnxExporter.builder().build().toProto(model).getGraph();
    Map<String, TensorProto> inits = new java.util.HashMap<>();
    g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
    for (ParamKey key : model.graph().paramShapes().keySet()) {
      TensorProto t = inits.get(key.tensorName());
      assertTrue(t != null, "initializer " + key.tensorName());
      assertEquals(TensorProto.DataType.FLOAT_VALUE, t.getDataType());
      float[] expected = model.weights().get(key).data();
      assertArrayEquals(longs(model.weights().get(key).shape()), t.getDimsList().stream().mapToLong(Long::longValue).toArray());
      float[] actual = new float[expected.length];
      ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(actual);
      assertArrayEquals(expected, actual, key.tensorName());
    }
  }

  @Test
  void hardSwishIsNativeFromOpset14AndHardSigmoidTimesXBefore() {
    Model model = ModelFixtures.randomised(coverage(), 4);
    assertEquals(Set.of("HardSigmoid"), opsAmong(model, 13, "HardSwish", "HardSigmoid"));
    assertEquals(Set.of("HardSwish"), opsAmong(model, 14, "HardSwish", "HardSigmoid"));
    assertEquals(7, OnnxExporter.builder().optOpset(11).build().toProto(model).getIrVersion());
  }

  @Test
  void tensorsAnExporterAddsNeverTakeAnIrName() throws OrtException {
    GraphBuilder b = Graph.builder("names");
    b.input("x", 2, 3, 3);
    b.add("act", new SiLU(), "x");
    b.add("act/sigmoid", new Relu(), "act"); // the name SiLU's inner sigmoid would take
    b.add("act/sigmoid_1", new Clip(-1, 1), "act/sigmoid");
    Model model = ModelFixtures.randomised(b.output("act/sigmoid_1").output("act").build(), 1);
    byte[] onnx = OnnxExporter.builder().build().toBytes(model);
    double diff = ExportChecks.ortVersusDjl(model, onnx);
    assertTrue(diff <= ExportChecks.TOLERANCE, "ORT differs from DJL by " + diff);
  }

  @Test
  void writesAFileThatOnnxRuntimeOpens(@TempDir Path dir) throws IOException, OrtException {
    Model model = ModelFixtures.randomised(coverage(), 4);
    OnnxExporter exporter = OnnxExporter.builder().optOpset(13).optFoldBn(true).build();
    Path file = dir.resolve("coverage.onnx");
    exporter.write(model, file);
    assertArrayEquals(exporter.toBytes(model), Files.readAllBytes(file));
    try (OrtSession s = OrtSessions.open(file, 1)) {
      assertEquals(List.of("logits", "fc2"), List.copyOf(s.getOutputNames()));
    }
  }

  private static Set<String> opsAmong(Model model, int opset, String... types) {
    Set<String> wanted = Set.of(types);
    Set<String> found = new HashSet<>();
    for (NodeProto n : OnnxExporter.builder().optOpset(opset).build().toProto(model).getGraph().getNodeList()) {
      if (wanted.contains(n.getOpType())) {
        found.add(n.getOpType());
      }
    }
    return found;
  }

  private static long[] longs(int[] dims) {
    return IntStream.of(dims).asLongStream().toArray();
  }

  private static void assertDims(ValueInfoProto v, int... perSample) {
    List<Dimension> dims = v.getType().getTensorType().getShape().getDimList();
    assertEquals("batch", dims.get(0).getDimParam(), v.getName() + ": batch is symbolic");
    assertArrayEquals(IntStream.of(perSample).asLongStream().toArray(),
        dims.subList(1, dims.size()).stream().mapToLong(Dimension::getDimValue).toArray(), v.getName());
  }
}
