package dev.topiary.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.UnsupportedOperatorException;
import dev.topiary.engine.graph.Op;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.weights.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX node being imported: its proto, the values of its inputs, typed attribute access with
 * the ONNX defaults, and the errors that name it. Importers add IR nodes through it.
 */
final class OnnxNode {
  final NodeProto proto;
  final int opset;
  /** The model's static batch size, or {@link Const#BATCH} when the batch is dynamic. */
  final double batch;
  private final List<Value> inputs;
  private final Map<String, AttributeProto> attrs = new HashMap<>();
  private final IrDraft draft;

  OnnxNode(NodeProto proto, int opset, double batch, List<Value> inputs, IrDraft draft) {
    this.proto = proto;
    this.opset = opset;
    this.batch = batch;
    this.inputs = inputs;
    this.draft = draft;
    for (AttributeProto a : proto.getAttributeList()) {
      attrs.put(a.getName(), a);
    }
  }

  /** The node's name for messages: its ONNX name, or its first output's when it has none. */
  String name() {
    return proto.getName().isEmpty() ? proto.getOutput(0) : proto.getName();
  }

  String op() {
    return proto.getOpType();
  }

  int inputCount() {
    return inputs.size();
  }

  /** The value of input i, or null when it is absent (an empty optional input). */
  Value input(int i) {
    return i < inputs.size() ? inputs.get(i) : null;
  }

  Value.MapRef map(int i) {
    Value v = input(i);
    if (v instanceof Value.MapRef m) {
      return m;
    }
    throw unsupported("input " + i + " must be computed from the image input (it is " + (v == null ? "missing" : "a constant") + ")");
  }

  Const constant(int i) {
    Value v = input(i);
    if (v instanceof Const c) {
      return c;
    }
    throw unsupported("input " + i + (v == null ? " is missing" : " must be a constant (an initializer), not computed from the image input"));
  }

  boolean has(String attr) {
    return attrs.containsKey(attr);
  }

  long i(String attr, long dflt) {
    AttributeProto a = attrs.get(attr);
    return a == null ? dflt : a.getI();
  }

  /**
   * A float attribute as the decimal number it was written as: ONNX stores float32, so PyTorch's
   * {@code eps=1e-3} arrives as 0.0010000000475; the shortest decimal that rounds to the same
   * float32 (1e-3) is what the user wrote, and a model re-imports with the attributes it had.
   */
  double f(String attr, double dflt) {
    AttributeProto a = attrs.get(attr);
    return a == null ? dflt : decimal(a.getF());
  }

  /** The shortest decimal that rounds to {@code f}: a float32 as the number it was written as. */
  static double decimal(float f) {
    return Double.parseDouble(Float.toString(f));
  }

  String s(String attr, String dflt) {
    AttributeProto a = attrs.get(attr);
    return a == null ? dflt : a.getS().toStringUtf8();
  }

  long[] ints(String attr, long[] dflt) {
    AttributeProto a = attrs.get(attr);
    return a == null ? dflt : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * An ints attribute's values as ints (sizes, strides, pads, groups): a value past 32 bits is a
   * malformed model, refused rather than wrapped into another number.
   */
  int[] int32(String attr, long... values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] != (int) values[i]) {
        throw invalid(attr + " " + Arrays.toString(values) + ": " + values[i] + " does not fit 32 bits");
      }
      out[i] = (int) values[i];
    }
    return out;
  }

  /** Axes against a rank, negatives counted from the end, sorted; each must lie in [-rank, rank) and appear once. */
  long[] axes(long[] axes, int rank) {
    long[] norm = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
    for (int i = 0; i < norm.length; i++) {
      if (norm[i] < 0 || norm[i] >= rank || i > 0 && norm[i] == norm[i - 1]) {
        throw invalid("axes " + Arrays.toString(axes) + " are not distinct axes of a rank-" + rank + " tensor");
      }
    }
    return norm;
  }

  AttributeProto attr(String attr) {
    return attrs.get(attr);
  }

  /** Refuses attributes this importer does not know: guessing their meaning would import a different model. */
  void allowAttributes(String... known) {
    Set<String> ok = Set.of(known);
    for (String a : attrs.keySet()) {
      if (!ok.contains(a)) {
        throw unsupported("attribute '" + a + "' is not supported");
      }
    }
  }

  UnsupportedOperatorException unsupported(String why) {
    return new UnsupportedOperatorException("node '" + name() + "' (" + op() + ", opset " + opset + "): " + why
        + "; supported ops: " + String.join(", ", OnnxImporter.supportedOps()));
  }

  InvalidModelException invalid(String why) {
    return new InvalidModelException("node '" + name() + "' (" + op() + "): " + why);
  }

  /** Adds an IR node reading the given IR names; named after this ONNX node. */
  IrDraft.Draft add(Op op, Value.MapRef... from) {
    return add(name(), op, from);
  }

  IrDraft.Draft add(String preferredName, Op op, Value.MapRef... from) {
    List<String> names = new ArrayList<>();
    List<TensorShape> shapes = new ArrayList<>();
    for (Value.MapRef m : from) {
      names.add(m.node());
      shapes.add(m.shape());
    }
    return draft.add(preferredName, op, names, shapes, name());
  }

  /** Gives an added node a parameter from a constant, checking nothing about its shape (the build does). */
  static void param(IrDraft.Draft d, ParamRole role, int[] shape, float[] data) {
    d.params.put(role, new Tensor(shape, data));
  }

  static Value.MapRef ref(IrDraft.Draft d) {
    return new Value.MapRef(d.name, d.shape);
  }

  static int[] intDims(long[] dims) {
    int[] out = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      out[i] = Math.toIntExact(dims[i]);
    }
    return out;
  }

  @Override
  public String toString() {
    return name() + " (" + op() + ") " + Arrays.toString(proto.getInputList().toArray());
  }
}
