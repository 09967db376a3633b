package dev.topiary.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphInput;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import shade.com.google.protobuf.ByteString;
import shade.com.google.protobuf.UnsafeByteOperations;

/**
 * The ONNX graph that {@link OnnxExporter} is writing: the node exporters add nodes and
 * initializers through it. It knows every name already taken (graph inputs, IR nodes, parameter
 * tensors), so the tensors an exporter adds of its own (a Clip bound, a Slice's starts, the
 * sigmoid inside a SiLU) get names that never collide with one the IR uses, even where imported
 * names look like {@code /model/Sigmoid}. One per export; not thread-safe.
 */
final class OnnxEmitter {
  private final Graph graph;
  private final Weights weights;
  private final int opset;
  private final GraphProto.Builder out;
  private final Set<String> taken = new HashSet<>();

  OnnxEmitter(Graph graph, Weights weights, int opset, GraphProto.Builder out) {
    this.graph = graph;
    this.weights = weights;
    this.opset = opset;
    this.out = out;
    graph.inputs().stream().map(GraphInput::name).forEach(taken::add);
    graph.nodes().stream().map(Node::name).forEach(taken::add);
    for (ParamKey key : graph.paramShapes().keySet()) {
      if (!taken.add(key.tensorName())) {
        throw new InvalidModelException("graph '" + graph.name() + "': parameter tensor " + key.tensorName()
            + " has the name of a node or input, which ONNX cannot tell apart");
      }
    }
  }

  /** The opset being written; exporters pick the operator's version by it. */
  int opset() {
    return opset;
  }

  /** The per-sample shape of a node or input, as the IR inferred it. */
  TensorShape shape(String nodeOrInput) {
    return graph.shape(nodeOrInput);
  }

  /**
   * Adds an ONNX node writing tensor {@code output}; the node is named after its output. An empty
   * input name leaves out an optional input.
   */
  NodeProto.Builder node(String opType, List<String> inputs, String output) {
    NodeProto.Builder n = out.addNodeBuilder().setOpType(opType).setName(output).addOutput(output);
    inputs.forEach(n::addInput);
    return n;
  }

  /** A name not taken yet, {@code base} itself or {@code base_1}, {@code base_2}, ... */
  String fresh(String base) {
    String name = base;
    for (int i = 1; !taken.add(name); i++) {
      name = base + "_" + i;
    }
    return name;
  }

  /** Adds the node's parameter as a float32 initializer named {@link ParamKey#tensorName()}; returns the name. */
  String param(Node node, ParamRole role) {
    ParamKey key = new ParamKey(node.name(), role);
    Tensor t = weights.get(key);
    out.addInitializer(floatTensor(key.tensorName(), t.shape(), t.data()));
    return key.tensorName();
  }

  /** Adds a float32 initializer of an exporter's own, named after {@code base}; returns its name. */
  String floats(String base, int[] dims, float... values) {
    String name = fresh(base);
    out.addInitializer(floatTensor(name, dims, values));
    return name;
  }

  /** Adds a 1-d int64 initializer of an exporter's own, named after {@code base}; returns its name. */
  String longs(String base, long... values) {
    String name = fresh(base);
    ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    out.addInitializer(TensorProto.newBuilder().setName(name).addDims(values.length)
        .setDataType(TensorProto.DataType.INT64_VALUE).setRawData(UnsafeByteOperations.unsafeWrap(raw.array())));
    return name;
  }

  /** Float32 values as ONNX stores them: little-endian {@code raw_data}. */
  static TensorProto floatTensor(String name, int[] dims, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    ByteString bytes = UnsafeByteOperations.unsafeWrap(raw.array()); // the buffer is not shared
    return TensorProto.newBuilder().setName(name)
        .addAllDims(Arrays.stream(dims).asLongStream().boxed().toList())
        .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(bytes).build();
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static AttributeProto integer(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
  }

  static AttributeProto real(String name, double value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF((float) value).build();
  }

  static AttributeProto string(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value)).build();
  }
}
