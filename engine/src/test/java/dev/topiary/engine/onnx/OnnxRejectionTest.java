package dev.topiary.engine.onnx;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.UnsupportedOperatorException;
import dev.topiary.engine.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shade.com.google.protobuf.ByteString;

/** Bad ONNX files are refused with one message naming the file, node or field and the reason. */
class OnnxRejectionTest {
  @TempDir Path tmp;

  private static final Path RESNET = OnnxFixtures.dir().resolve("resnet-bn-op13.onnx");

  private static ModelProto resnet() throws IOException {
    return ModelProto.parseFrom(Files.readAllBytes(RESNET));
  }

  private Path write(String name, ModelProto m) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, m.toByteArray());
    return p;
  }

  private Path edited(String name, UnaryOperator<ModelProto.Builder> edit) throws IOException {
    return write(name, edit.apply(resnet().toBuilder()).build());
  }

  private static <T extends TopiaryException> String refused(Class<T> type, Path file) {
    T e = assertThrows(type, () -> OnnxImporter.builder().build().importFile(file));
    assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void refusesATruncatedFile() throws IOException {
    byte[] all = Files.readAllBytes(RESNET);
    Path p = tmp.resolve("truncated.onnx");
    Files.write(p, Arrays.copyOf(all, all.length / 2));
    assertTrue(refused(InvalidModelException.class, p).contains("not an ONNX model"));
  }

  @Test
  void refusesAFileThatIsNotOnnx() throws IOException {
    Path p = tmp.resolve("notes.onnx");
    Files.writeString(p, "name,value\nconv1,3\n");
    assertTrue(refused(InvalidModelException.class, p).contains("not an ONNX model"));
  }

  @Test
  void refusesAnEmptyFile() throws IOException {
    Path p = tmp.resolve("empty.onnx");
    Files.write(p, new byte[0]);
    assertTrue(refused(InvalidModelException.class, p).contains("empty"));
  }

  @Test
  void refusesAFileOverTheSizeLimit() {
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> OnnxImporter.builder().optMaxFileBytes(1000).build().importFile(RESNET));
    assertTrue(e.getMessage().contains("over the limit of 1000 bytes"), e.getMessage());
  }

  @Test
  void refusesAnUnknownOpNamingTheNodeOpAndOpset() throws IOException {
    Path p = edited("unknown.onnx", b -> {
      NodeProto.Builder n = b.getGraphBuilder().getNodeBuilder(2);
      n.setOpType("Gelu");
      return b;
    });
    String msg = refused(UnsupportedOperatorException.class, p);
    String node = resnet().getGraph().getNode(2).getName();
    assertTrue(msg.contains("node '" + node + "'") && msg.contains("Gelu") && msg.contains("opset 13"), msg);
    assertTrue(msg.contains("supported ops:") && msg.contains("Conv"), "lists what is supported: " + msg);
  }

  @Test
  void refusesAnOpOfAnotherDomain() throws IOException {
    Path p = edited("domain.onnx", b -> {
      b.getGraphBuilder().getNodeBuilder(0).setDomain("com.microsoft");
      return b;
    });
    assertTrue(refused(UnsupportedOperatorException.class, p).contains("com.microsoft"));
  }

  @Test
  void refusesAnUnsupportedAttributeValue() throws IOException {
    Path p = edited("autopad.onnx", b -> {
      NodeProto.Builder conv = firstNode(b, "Conv");
      conv.addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("auto_pad")
          .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("SAME_SIDEWAYS")));
      return b;
    });
    assertTrue(refused(UnsupportedOperatorException.class, p).contains("auto_pad 'SAME_SIDEWAYS'"));
  }

  @Test
  void refusesAWeightWhoseSizeDoesNotMatchItsShape() throws IOException {
    Path p = edited("short-weight.onnx", b -> {
      TensorProto.Builder t = b.getGraphBuilder().getInitializerBuilder(0);
      t.setRawData(t.getRawData().substring(0, t.getRawData().size() - 4));
      return b;
    });
    String name = resnet().getGraph().getInitializer(0).getName();
    String msg = refused(InvalidModelException.class, p);
    assertTrue(msg.contains("initializer '" + name + "'") && msg.contains("bytes of data for shape"), msg);
  }

  @Test
  void refusesMissingExternalData() throws IOException {
    Path p = tmp.resolve("resnet-bn-op13-external.onnx");
    Files.copy(OnnxFixtures.dir().resolve("resnet-bn-op13-external.onnx"), p);
    String msg = refused(InvalidModelException.class, p);
    assertTrue(msg.contains("external data file") && msg.contains("missing"), msg);
  }

  @Test
  void readsExternalDataBesideTheFile() throws IOException {
    Path p = tmp.resolve("resnet-bn-op13-external.onnx");
    Files.copy(OnnxFixtures.dir().resolve("resnet-bn-op13-external.onnx"), p);
    Files.copy(OnnxFixtures.dir().resolve("resnet-bn-op13-external.onnx.data"), tmp.resolve("resnet-bn-op13-external.onnx.data"));
    Model m = OnnxImporter.builder().build().importFile(p);
    assertEquals(9938, m.graph().parameterCount());
  }

  @Test
  void refusesADanglingInput() throws IOException {
    Path p = edited("dangling.onnx", b -> {
      b.getGraphBuilder().getNodeBuilder(1).setInput(0, "nowhere");
      return b;
    });
    String msg = refused(InvalidModelException.class, p);
    assertTrue(msg.contains("input 'nowhere'") && msg.contains("dangling"), msg);
  }

  @Test
  void refusesACycle() throws IOException {
    Path p = edited("cycle.onnx", b -> {
      // the first Relu reads the output of a later node, which depends on it
      NodeProto.Builder relu = firstNode(b, "Relu");
      String later = b.getGraphBuilder().getNode(b.getGraphBuilder().getNodeCount() - 3).getOutput(0);
      relu.setInput(0, later);
      return b;
    });
    assertTrue(refused(InvalidModelException.class, p).contains("cycle"));
  }

  @Test
  void refusesDynamicSpatialDimensionsWithoutAnInputShape() throws IOException {
    Path p = edited("dynamic.onnx", b -> {
      TensorShapeProto.Builder s = b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
      s.getDimBuilder(2).clearDimValue().setDimParam("height");
      s.getDimBuilder(3).clearDimValue().setDimParam("width");
      return b;
    });
    String msg = refused(InvalidModelException.class, p);
    assertTrue(msg.contains("input 'input'") && msg.contains("--input C,H,W") && msg.contains("height"), msg);
    Model m = OnnxImporter.builder().optInputShape(3, 32, 32).build().importFile(p);
    assertEquals(9938, m.graph().parameterCount(), "with --input it imports");
  }

  @Test
  void refusesAnInputShapeThatContradictsTheFile() {
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> OnnxImporter.builder().optInputShape(3, 64, 64).build().importFile(RESNET));
    assertTrue(e.getMessage().contains("does not match input 'input'"), e.getMessage());
  }

  private static NodeProto.Builder firstNode(ModelProto.Builder b, String op) {
    for (NodeProto.Builder n : b.getGraphBuilder().getNodeBuilderList()) {
      if (n.getOpType().equals(op)) {
        return n;
      }
    }
    throw new AssertionError("no " + op);
  }
  @Test
  void refusesAnOperatorSetVersionBelowOneOrPast32Bits() throws IOException {
    for (long version : new long[] {0, (1L << 32) + 13}) {
      Path p = edited("opset-" + version + ".onnx", b -> {
        b.getOpsetImportBuilder(0).setVersion(version);
        return b;
      });
      assertTrue(refused(InvalidModelException.class, p).contains("operator set has version " + version), "version " + version);
    }
  }

  @Test
  void refusesAnInputDimensionPast32BitsInsteadOfWrappingIt() throws IOException {
    // 2^32 + 32 wrapped to an int is 32, the fixture's own height: the model imported as if nothing were wrong
    Path p = edited("tall.onnx", b -> {
      b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(2)
          .setDimValue((1L << 32) + 32);
      return b;
    });
    assertTrue(refused(InvalidModelException.class, p).contains("input 'input' has dimension 2 of 4294967328, past 32 bits"));
  }

  @Test
  void refusesConvPadsPast32BitsInsteadOfWrappingThem() throws IOException {
    // 2^40 wrapped to an int is 0: the model imported with no padding
    Path p = edited("pads.onnx", b -> {
      NodeProto.Builder conv = firstNode(b, "Conv");
      int at = conv.getAttributeList().stream().map(ai.onnx.proto.OnnxMl.AttributeProto::getName).toList().indexOf("pads");
      conv.getAttributeBuilder(at).clearInts().addAllInts(java.util.List.of(1L << 40, 1L << 40, 1L << 40, 1L << 40));
      return b;
    });
    String msg = refused(InvalidModelException.class, p);
    assertTrue(msg.contains("pads [1099511627776") && msg.contains("does not fit 32 bits"), msg);
  }

  @Test
  void refusesUnsqueezeAxesOutsideTheRank() throws IOException {
    // found by the gateway's fuzz: an IndexOutOfBoundsException, a 500, before the axes were checked
    Path p = edited("axes.onnx", b -> {
      NodeProto.Builder unsqueeze = firstNode(b, "Unsqueeze");
      String axes = unsqueeze.getInput(1);
      for (NodeProto.Builder n : b.getGraphBuilder().getNodeBuilderList()) {
        if (n.getOutputList().contains(axes)) {
          n.getAttributeBuilder(0).setT(TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).addDims(1)
              .addInt64Data(16));
        }
      }
      return b;
    });
    String msg = refused(InvalidModelException.class, p);
    assertTrue(msg.contains("axes [16] are not distinct axes of a rank-"), msg);
  }
}
