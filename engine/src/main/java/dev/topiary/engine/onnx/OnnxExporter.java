package dev.topiary.engine.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphInput;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.model.BnFolding;
import dev.topiary.engine.model.Model;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes any {@link Model} as an ONNX model (a {@code ModelProto}) that ONNX Runtime and other
 * deployment runtimes load.
 *
 * <p>Names are the IR's: each graph input keeps its name, with shape {@code [batch, ...]} where
 * {@code batch} is a symbolic dimension; each IR node's output tensor is named after the node, so
 * the graph outputs carry the IR output names that deployment code reads; each parameter is a
 * float32 initializer named {@link dev.topiary.engine.graph.ParamKey#tensorName()} ({@code
 * conv1.weight}). Tensors an op needs beyond these (a Clip bound, Slice starts) are named after
 * their node ({@code conv1/min}). Operators follow the semantics of the chosen opset, 11 to 17.
 *
 * <pre>{@code
 * OnnxExporter.builder().optOpset(13).optFoldBn(true).build().write(model, Path.of("model.onnx"));
 * }</pre>
 *
 * <p>Immutable and stateless between calls; safe to share.
 */
public final class OnnxExporter {
  /** The newest opset written, and the default. */
  public static final int MAX_OPSET = 17;
  /** The oldest opset written: the first with Clip's bounds, Pad's pads and Resize's scales as inputs. */
  public static final int MIN_OPSET = 11;

  private static final String PRODUCER = "topiary";
  private static final String BATCH = "batch";

  private final int opset;
  private final boolean foldBn;

  private OnnxExporter(Builder b) {
    opset = b.opset;
    foldBn = b.foldBn;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int opset() {
    return opset;
  }

  public boolean foldBn() {
    return foldBn;
  }

  /**
   * The model as ONNX, BN folded into its convs first when asked ({@link BnFolding}).
   *
   * @throws dev.topiary.engine.UnsupportedOperatorException when an op has no exporter, naming it
   */
  public ModelProto toProto(Model model) {
    Model m = foldBn ? BnFolding.fold(model) : model;
    Graph g = m.graph();
    GraphProto.Builder graph = GraphProto.newBuilder().setName(g.name());
    OnnxEmitter out = new OnnxEmitter(g, m.weights(), opset, graph);
    for (GraphInput in : g.inputs()) {
      graph.addInput(valueInfo(in.name(), in.shape()));
    }
    for (Node n : g.nodes()) {
      OnnxNodeExporters.of(n.type()).export(n, out);
    }
    for (String o : g.outputs()) {
      graph.addOutput(valueInfo(o, g.shape(o)));
    }
    ModelProto.Builder proto = ModelProto.newBuilder()
        .setIrVersion(irVersion(opset))
        .setProducerName(PRODUCER)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph);
    g.metadata().forEach((k, v) -> proto.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return proto.build();
  }

  /** The serialised ONNX model. */
  public byte[] toBytes(Model model) {
    return toProto(model).toByteArray();
  }

  /** Writes the ONNX model to a file, replacing it. */
  public void write(Model model, Path file) throws IOException {
    ModelProto proto = toProto(model);
    try (OutputStream os = Files.newOutputStream(file)) {
      proto.writeTo(os);
    }
  }

  /**
   * The IR version written with an opset: 7 (ONNX 1.7) for opsets 11 and 12, 8 (ONNX 1.10) from
   * 13; each at least that of the ONNX release that introduced the opset. Runtimes refuse an IR
   * version newer than they know, so an old one that fits serves the most.
   */
  static int irVersion(int opset) {
    return opset <= 12 ? 7 : 8;
  }

  /** A float32 tensor of shape [batch, ...per-sample shape]. */
  private static ValueInfoProto valueInfo(String name, TensorShape shape) {
    TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
    dims.addDimBuilder().setDimParam(BATCH);
    for (int d : shape.toArray()) {
      dims.addDimBuilder().setDimValue(d);
    }
    TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder()
        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(dims);
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
  }

  @Override
  public String toString() {
    return "OnnxExporter(opset " + opset + (foldBn ? ", fold BN" : "") + ")";
  }

  /** Builder; every option has a default: opset {@value #MAX_OPSET}, BN kept. */
  public static final class Builder {
    private int opset = MAX_OPSET;
    private boolean foldBn;

    private Builder() {}

    /** The ONNX opset to write, {@value #MIN_OPSET} to {@value #MAX_OPSET}. */
    public Builder optOpset(int opset) {
      this.opset = opset;
      return this;
    }

    /** Whether to fold each BN into the conv before it ({@code --fold-bn}); see {@link BnFolding}. */
    public Builder optFoldBn(boolean foldBn) {
      this.foldBn = foldBn;
      return this;
    }

    /** @throws IllegalArgumentException when the opset is outside {@value #MIN_OPSET}..{@value #MAX_OPSET} */
    public void validate() {
      if (opset < MIN_OPSET || opset > MAX_OPSET) {
        throw new IllegalArgumentException("opset " + opset + " is not supported: the exporter writes opsets "
            + MIN_OPSET + " to " + MAX_OPSET);
      }
    }

    public OnnxExporter build() {
      validate();
      return new OnnxExporter(this);
    }
  }
}
