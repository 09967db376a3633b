package dev.topiary.engine.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.UnsupportedOperatorException;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.model.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Imports an ONNX model written by {@code torch.onnx.export} (opsets 11 to 17, and most others)
 * as a {@link Model}: one IR node per ONNX op that computes on the image (a few ops become two, a
 * few patterns one), weights from the initializers, the ONNX node names kept (made valid for the
 * IR), and the graph's input and output names kept so that an exported model drops into the
 * user's deployment code.
 *
 * <p>Nodes run in a topological order checked here (a cycle or a dangling input is refused).
 * Each node is either folded, when every input is known ({@link ConstFolding}: the shape chains of
 * a flatten), or imported by its op type's entry in one table ({@link LayerImporters}, {@link
 * TensorImporters}, {@link ShapeImporters}). Then {@link OnnxRewrites} folds the patterns PyTorch
 * spells in several ops. An op outside the tables, an attribute value the IR cannot hold, or an op
 * of another domain is an {@link UnsupportedOperatorException} naming the node, the op and the
 * opset; a malformed file is an {@link InvalidModelException}. Nothing is written either way.
 */
public final class OnnxImporter {
  private static final Map<String, NodeImporter> IMPORTERS = new HashMap<>();
  private static final Map<String, NodeImporter> FOLDERS = new HashMap<>();

  static {
    LayerImporters.register(IMPORTERS);
    TensorImporters.register(IMPORTERS);
    ShapeImporters.register(IMPORTERS);
    ConstFolding.register(FOLDERS);
  }

  private final int[] inputShape;
  private final int[] dynamicShape;
  private final long maxBytes;

  private OnnxImporter(Builder b) {
    this.inputShape = b.inputShape;
    this.dynamicShape = b.dynamicShape;
    this.maxBytes = b.maxBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of an import. */
  public static final class Builder {
    private int[] inputShape;
    private int[] dynamicShape;
    private long maxBytes = OnnxReader.DEFAULT_MAX_BYTES;

    /** The per-sample input shape (C, H, W), needed when the file's spatial dimensions are dynamic. */
    public Builder optInputShape(int... shape) {
      this.inputShape = shape == null ? null : shape.clone();
      return this;
    }

    /**
     * A per-sample shape that fills only the dimensions the file leaves dynamic (e.g. the shape of
     * the data about to be run); unlike {@link #optInputShape} it never contradicts the file.
     */
    public Builder optShapeForDynamicDimensions(int... shape) {
      this.dynamicShape = shape == null ? null : shape.clone();
      return this;
    }

    /** The largest file accepted, in bytes. */
    public Builder optMaxFileBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxFileBytes must be positive, got " + bytes);
      }
      this.maxBytes = bytes;
      return this;
    }

    public OnnxImporter build() {
      if (inputShape != null) {
        for (int d : inputShape) {
          if (d <= 0) {
            throw new IllegalArgumentException("inputShape must have positive dimensions, got " + Arrays.toString(inputShape));
          }
        }
      }
      return new OnnxImporter(this);
    }
  }

  /** The ONNX op types this importer reads, sorted. */
  public static List<String> supportedOps() {
    Set<String> all = new TreeSet<>(IMPORTERS.keySet());
    all.addAll(FOLDERS.keySet());
    return List.copyOf(all);
  }

  /** Imports a file; external data is read from the file's folder. */
  public Model importFile(Path file) {
    ModelProto proto = OnnxReader.read(file, maxBytes);
    Path dir = file.toAbsolutePath().getParent();
    String name = file.getFileName().toString().replaceFirst("\\.onnx$", "");
    try {
      return importModel(proto, dir, name);
    } catch (UnsupportedOperatorException e) {
      throw new UnsupportedOperatorException(file + ": " + e.getMessage(), e);
    } catch (InvalidModelException e) {
      throw new InvalidModelException(file + ": " + e.getMessage(), e);
    }
  }

  private Model importModel(ModelProto proto, Path dir, String name) {
    int opset = opset(proto);
    GraphProto g = proto.getGraph();
    Map<String, TensorProto> initializers = new HashMap<>();
    for (TensorProto t : g.getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    IrDraft draft = new IrDraft();
    Map<String, Value> values = new HashMap<>();
    double batch = declareInput(g, initializers, draft, values);
    for (NodeProto node : TopologicalOrder.of(g, initializers.keySet())) {
      importNode(node, opset, batch, dir, initializers, values, draft);
    }
    for (ValueInfoProto out : g.getOutputList()) {
      declareOutput(out.getName(), values, draft);
    }
    OnnxRewrites.apply(draft);
    Model model = draft.build(name.isEmpty() ? "model" : draft.freshName(name));
    if (proto.getMetadataPropsCount() == 0) {
      return model;
    }
    Map<String, String> metadata = new java.util.TreeMap<>();
    proto.getMetadataPropsList().forEach(e -> metadata.put(e.getKey(), e.getValue()));
    return new Model(model.graph().withMetadata(metadata), model.weights(), model.history());
  }

  private static int opset(ModelProto proto) {
    for (OperatorSetIdProto o : proto.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        if (o.getVersion() < 1 || o.getVersion() > Integer.MAX_VALUE) {
          throw new InvalidModelException("the default ONNX operator set has version " + o.getVersion()
              + ": expected a version from 1, within 32 bits");
        }
        return (int) o.getVersion();
      }
    }
    throw new InvalidModelException("the model imports no version of the default ONNX operator set");
  }

  /** Declares the one image input; returns the static batch size, or {@link Const#BATCH}. */
  private double declareInput(GraphProto g, Map<String, TensorProto> initializers, IrDraft draft, Map<String, Value> values) {
    List<ValueInfoProto> inputs = g.getInputList().stream().filter(i -> !initializers.containsKey(i.getName())).toList();
    if (inputs.size() != 1) {
      throw new UnsupportedOperatorException("the model has " + inputs.size() + " inputs "
          + inputs.stream().map(ValueInfoProto::getName).toList() + "; one image input is supported");
    }
    ValueInfoProto in = inputs.get(0);
    if (in.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE) {
      throw new UnsupportedOperatorException("input '" + in.getName() + "' is not float32");
    }
    List<TensorShapeProto.Dimension> dims = in.getType().getTensorType().getShape().getDimList();
    if (dims.size() < 2) {
      throw new InvalidModelException("input '" + in.getName() + "' has rank " + dims.size() + "; a batch of images [N, C, H, W] is needed");
    }
    int[] perSample = new int[dims.size() - 1];
    for (int i = 1; i < dims.size(); i++) {
      long d = dims.get(i).hasDimValue() ? dims.get(i).getDimValue() : -1;
      if (d > Integer.MAX_VALUE) {
        throw new InvalidModelException("input '" + in.getName() + "' has dimension " + i + " of " + d + ", past 32 bits");
      }
      perSample[i - 1] = (int) d;
    }
    perSample = resolveInputShape(in.getName(), perSample, describe(dims));
    String irName = draft.addInput(in.getName(), TensorShape.of(perSample));
    values.put(in.getName(), new Value.MapRef(irName, TensorShape.of(perSample)));
    return dims.get(0).hasDimValue() && dims.get(0).getDimValue() > 0 ? dims.get(0).getDimValue() : Const.BATCH;
  }

  private int[] resolveInputShape(String input, int[] declared, String shown) {
    if (inputShape == null && dynamicShape != null && dynamicShape.length == declared.length) {
      int[] filled = declared.clone();
      for (int i = 0; i < filled.length; i++) {
        filled[i] = filled[i] > 0 ? filled[i] : dynamicShape[i];
      }
      return filled;
    }
    if (inputShape == null) {
      if (Arrays.stream(declared).anyMatch(d -> d <= 0)) {
        throw new InvalidModelException("input '" + input + "' has dynamic dimensions " + shown
            + "; give the per-sample shape with --input C,H,W");
      }
      return declared;
    }
    if (inputShape.length != declared.length) {
      throw new InvalidModelException("--input " + Arrays.toString(inputShape) + " has " + inputShape.length
          + " dimensions but input '" + input + "' is " + shown);
    }
    for (int i = 0; i < declared.length; i++) {
      if (declared[i] > 0 && declared[i] != inputShape[i]) {
        throw new InvalidModelException("--input " + Arrays.toString(inputShape) + " does not match input '" + input + "' " + shown);
      }
    }
    return inputShape;
  }

  private static String describe(List<TensorShapeProto.Dimension> dims) {
    List<String> s = new ArrayList<>();
    for (TensorShapeProto.Dimension d : dims) {
      s.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
    }
    return s.toString();
  }

  private static void importNode(NodeProto node, int opset, double batch, Path dir, Map<String, TensorProto> initializers,
      Map<String, Value> values, IrDraft draft) {
    String where = "node '" + (node.getName().isEmpty() ? node.getOutput(0) : node.getName()) + "' (" + node.getOpType() + ")";
    if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
      throw new UnsupportedOperatorException(where + ": op domain '" + node.getDomain() + "' is not supported (only the default ONNX domain)");
    }
    List<Value> in = new ArrayList<>();
    boolean allConst = true;
    for (String name : node.getInputList()) {
      Value v = name.isEmpty() ? null : values.computeIfAbsent(name, k -> OnnxTensors.decode(initializers.get(k), dir, "initializer '" + k + "'"));
      in.add(v);
      allConst &= !(v instanceof Value.MapRef);
    }
    OnnxNode n = new OnnxNode(node, opset, batch, in, draft);
    NodeImporter folder = FOLDERS.get(node.getOpType());
    boolean fold = folder != null && (allConst || node.getOpType().equals("Shape"));
    NodeImporter importer = fold ? folder : IMPORTERS.get(node.getOpType());
    if (importer == null) {
      throw n.unsupported(folder != null ? "only folded when its inputs are constants" : "op type '" + node.getOpType() + "' is not supported");
    }
    List<Value> out;
    try {
      out = importer.apply(n);
    } catch (IllegalArgumentException e) { // an IR op's constructor refusing an attribute value
      throw n.invalid(e.getMessage());
    }
    for (int i = 0; i < out.size() && i < node.getOutputCount(); i++) {
      if (!node.getOutput(i).isEmpty()) {
        values.put(node.getOutput(i), out.get(i));
      }
    }
  }

  private static void declareOutput(String name, Map<String, Value> values, IrDraft draft) {
    Value v = values.get(name);
    if (!(v instanceof Value.MapRef m)) {
      throw new UnsupportedOperatorException("output '" + name + "' is a constant; every output must be computed from the image");
    }
    if (draft.inputs.stream().anyMatch(i -> i.name().equals(m.node()))) {
      throw new UnsupportedOperatorException("output '" + name + "' is the graph's input itself");
    }
    if (draft.outputs.contains(m.node())) {
      throw new UnsupportedOperatorException("output '" + name + "' is the same tensor as another output");
    }
    draft.outputs.add(m.node());
    String wanted = name.replaceAll("[^A-Za-z0-9_.:/\\-]", "_");
    if (!wanted.equals(m.node())) {
      IrDraft.Draft clash = draft.node(wanted);
      if (clash != null) { // an inner node already holds the output's name: it steps aside
        draft.rename(wanted, draft.unusedName(wanted + "_inner"));
      }
      draft.rename(m.node(), wanted);
    }
  }
}
