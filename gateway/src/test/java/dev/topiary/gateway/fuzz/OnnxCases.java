package dev.topiary.gateway.fuzz;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import dev.topiary.engine.onnx.OnnxImporter;
import dev.topiary.gateway.OnnxFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import shade.com.google.protobuf.ByteString;
import shade.com.google.protobuf.InvalidProtocolBufferException;

/**
 * Malformed {@code model.onnx} uploads, from the committed ResNet fixture: truncated, random bytes
 * behind a valid start, an op the importer lacks, tensors declaring 2^62 elements, external data
 * pointing out of the folder, a cycle, input dimensions past an int, a missing operator set; and
 * from the seed, bytes flipped in the file (a flip that leaves a model the engine imports is drawn
 * again).
 */
final class OnnxCases {
  static final String CATEGORY = "onnx";
  static final String PART = "model.onnx";

  private OnnxCases() {}

  static List<FuzzCase> systematic() {
    List<FuzzCase> out = new ArrayList<>();
    byte[] valid = OnnxFixtures.resnet();
    out.add(onnx("empty (0 bytes)", new byte[0]));
    for (int cut : new int[] {1, 16, valid.length / 2, valid.length - 1}) {
      out.add(onnx("truncated to " + cut + " of " + valid.length + " bytes", Arrays.copyOf(valid, cut)));
    }
    Random noise = new Random(0);
    byte[] random = new byte[4096];
    noise.nextBytes(random);
    out.add(onnx("4096 random bytes", random));
    byte[] start = Arrays.copyOf(valid, 4096);
    noise.nextBytes(random);
    System.arraycopy(random, 0, start, 64, 4096 - 64);
    out.add(onnx("random bytes behind the fixture's first 64 bytes", start));
    out.add(onnx("a graph.json sent as model.onnx", dev.topiary.gateway.Fixtures.lenetGraphJson()));
    out.add(onnx("an op the importer lacks (Gelu)", OnnxFixtures.resnetWithGelu().getValue()));
    model(out, "an initializer declaring 2^31 x 2^31 elements without data", m -> initializer(m, 0).clearRawData().clearFloatData()
        .clearDims().addDims(1L << 31).addDims(1L << 31));
    model(out, "an initializer declaring 2^62 elements with 4 bytes", m -> initializer(m, 0).clearFloatData()
        .setRawData(ByteString.copyFrom(new byte[4])).clearDims().addDims(1L << 31).addDims(1L << 31));
    model(out, "an initializer of a negative dimension", m -> initializer(m, 0).clearDims().addDims(-16).addDims(3));
    model(out, "an initializer of a string type", m -> initializer(m, 0).setDataType(TensorProto.DataType.STRING_VALUE));
    model(out, "external data at ../../etc/passwd", m -> external(initializer(m, 0), "../../etc/passwd"));
    model(out, "external data at an absolute path", m -> external(initializer(m, 0), "/etc/passwd"));
    model(out, "a cycle (the first node reads the last node's output)", m -> {
      GraphProto.Builder g = m.getGraphBuilder();
      g.getNodeBuilder(0).setInput(0, g.getNode(g.getNodeCount() - 1).getOutput(0));
    });
    model(out, "a node reading its own output", m -> {
      NodeProto.Builder n = m.getGraphBuilder().getNodeBuilder(1);
      n.setInput(0, n.getOutput(0));
    });
    model(out, "a node reading a value nobody writes", m -> m.getGraphBuilder().getNodeBuilder(1).setInput(0, "ghost"));
    model(out, "no nodes", m -> m.getGraphBuilder().clearNode());
    model(out, "no graph", ModelProto.Builder::clearGraph);
    model(out, "no operator set", ModelProto.Builder::clearOpsetImport);
    model(out, "operator set 0", m -> m.getOpsetImportBuilder(0).setVersion(0));
    model(out, "operator set 2^32 + 13", m -> m.getOpsetImportBuilder(0).setVersion((1L << 32) + 13));
    model(out, "an input dimension of 2^31", m -> inputDim(m, 2).setDimValue(1L << 31));
    model(out, "an input dimension of 2^32 + 32", m -> inputDim(m, 2).setDimValue((1L << 32) + 32));
    model(out, "an input dimension of 0", m -> inputDim(m, 3).setDimValue(0));
    model(out, "an input of rank 1", m -> m.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
        .getShapeBuilder().clearDim().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1)));
    model(out, "an int64 input", m -> m.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
        .setElemType(TensorProto.DataType.INT64_VALUE));
    model(out, "two inputs", m -> m.getGraphBuilder().addInput(m.getGraph().getInput(0).toBuilder().setName("second")));
    model(out, "a conv of stride 0", m -> convAttribute(m, "strides", 0, 0));
    model(out, "a conv of group 0", m -> convAttribute(m, "group"));
    model(out, "a conv with padding of 2^40", m -> convAttribute(m, "pads", 1L << 40, 1L << 40, 1L << 40, 1L << 40));
    return out;
  }

  /** A random case from the seed: bytes flipped anywhere in the fixture, drawn again while the engine still imports it. */
  static FuzzCase random(Random rnd) {
    while (true) {
      byte[] b = OnnxFixtures.resnet();
      String where = ModelCases.flip(b, 0, b.length, rnd);
      if (!imports(b)) {
        return onnx("random: bytes flipped at " + where, b);
      }
    }
  }

  private static boolean imports(byte[] onnx) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("fuzz-onnx");
      Path file = dir.resolve("model.onnx");
      Files.write(file, onnx);
      OnnxImporter.builder().build().importFile(file);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException refused) {
      return false;
    } finally {
      if (dir != null) {
        try (var files = Files.walk(dir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // a temporary folder of the generator's
        }
      }
    }
  }

  private static void model(List<FuzzCase> out, String name, Consumer<ModelProto.Builder> change) {
    try {
      ModelProto.Builder m = ModelProto.parseFrom(OnnxFixtures.resnet()).toBuilder();
      change.accept(m);
      out.add(onnx(name, m.build().toByteArray()));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TensorProto.Builder initializer(ModelProto.Builder m, int i) {
    return m.getGraphBuilder().getInitializerBuilder(i);
  }

  private static void external(TensorProto.Builder t, String location) {
    t.clearRawData().clearFloatData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
  }

  private static TensorShapeProto.Dimension.Builder inputDim(ModelProto.Builder m, int i) {
    return m.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(i);
  }

  /** Sets an ints (or, with no values, an int of 0) attribute on the first Conv. */
  private static void convAttribute(ModelProto.Builder m, String name, long... values) {
    for (NodeProto.Builder n : m.getGraphBuilder().getNodeBuilderList()) {
      if (n.getOpType().equals("Conv")) {
        n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
            .ifPresent(a -> n.removeAttribute(n.getAttributeList().indexOf(a)));
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (values.length == 0) {
          a.setType(AttributeProto.AttributeType.INT).setI(0);
        } else {
          a.setType(AttributeProto.AttributeType.INTS);
          Arrays.stream(values).forEach(a::addInts);
        }
        n.addAttribute(a);
        return;
      }
    }
    throw new IllegalStateException("the fixture has no Conv");
  }

  static FuzzCase onnx(String name, byte[] content) {
    return new FuzzCase(CATEGORY, name, new FuzzCase.Upload("/api/v1/models", List.of(new FuzzCase.Part(PART, "fuzz.onnx", content))),
        List.of(PART));
  }
}
