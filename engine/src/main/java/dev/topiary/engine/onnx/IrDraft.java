package dev.topiary.engine.onnx;

import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphInput;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.Op;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The IR graph being imported, still mutable so that the rewrites can fold patterns: nodes with
 * their parameters, inputs and outputs, and the names in use. {@link #build} turns it into an
 * immutable, validated {@link Model}. Names are the ONNX names, made valid and unique.
 */
final class IrDraft {
  /** One IR node in the making. */
  static final class Draft {
    String name;
    Op op;
    List<String> inputs;
    final Map<ParamRole, Tensor> params = new EnumMap<>(ParamRole.class);
    TensorShape shape;
    final String origin; // the ONNX node it came from, for messages

    Draft(String name, Op op, List<String> inputs, TensorShape shape, String origin) {
      this.name = name;
      this.op = op;
      this.inputs = new ArrayList<>(inputs);
      this.shape = shape;
      this.origin = origin;
    }
  }

  private static final Pattern INVALID = Pattern.compile("[^A-Za-z0-9_.:/\\-]");

  final List<GraphInput> inputs = new ArrayList<>();
  final List<Draft> nodes = new ArrayList<>();
  final List<String> outputs = new ArrayList<>();
  private final Set<String> used = new HashSet<>();

  /** A valid, unused IR name derived from an ONNX name, now reserved. */
  String freshName(String preferred) {
    String name = unusedName(preferred);
    used.add(name);
    return name;
  }

  /** A valid IR name derived from an ONNX name, not yet used (and not reserved). */
  String unusedName(String preferred) {
    String base = INVALID.matcher(preferred == null ? "" : preferred).replaceAll("_");
    if (base.isEmpty()) {
      base = "node";
    }
    if (!Character.isLetterOrDigit(base.charAt(0)) && base.charAt(0) != '_' && base.charAt(0) != '/') {
      base = "_" + base;
    }
    String name = base;
    for (int i = 2; used.contains(name); i++) {
      name = base + "_" + i;
    }
    return name;
  }

  String addInput(String onnxName, TensorShape shape) {
    String name = freshName(onnxName);
    inputs.add(new GraphInput(name, shape));
    return name;
  }

  Draft add(String preferredName, Op op, List<String> from, List<TensorShape> inShapes, String origin) {
    TensorShape shape;
    try {
      shape = op.inferShape(inShapes);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("node '" + origin + "': " + e.getMessage(), e);
    }
    Draft d = new Draft(freshName(preferredName), op, from, shape, origin);
    nodes.add(d);
    return d;
  }

  Draft node(String name) {
    for (Draft d : nodes) {
      if (d.name.equals(name)) {
        return d;
      }
    }
    return null;
  }

  /** Nodes reading {@code name}. */
  List<Draft> readers(String name) {
    List<Draft> out = new ArrayList<>();
    for (Draft d : nodes) {
      if (d.inputs.contains(name)) {
        out.add(d);
      }
    }
    return out;
  }

  boolean isOutput(String name) {
    return outputs.contains(name);
  }

  /** Renames a node (or input) everywhere it is referenced. */
  void rename(String from, String to) {
    if (from.equals(to)) {
      return;
    }
    if (used.contains(to)) {
      throw new InvalidModelException("the name '" + to + "' is used by two tensors");
    }
    used.remove(from);
    used.add(to);
    for (Draft d : nodes) {
      if (d.name.equals(from)) {
        d.name = to;
      }
      d.inputs.replaceAll(i -> i.equals(from) ? to : i);
    }
    outputs.replaceAll(o -> o.equals(from) ? to : o);
  }

  /**
   * Removes {@code gone} after a rewrite made {@code survivor} compute its value: readers of
   * {@code gone} read the survivor, and a graph output keeps its name by passing it on.
   */
  void absorb(Draft survivor, Draft gone) {
    nodes.remove(gone);
    used.remove(gone.name);
    for (Draft d : nodes) {
      d.inputs.replaceAll(i -> i.equals(gone.name) ? survivor.name : i);
    }
    if (outputs.contains(gone.name)) {
      String keep = gone.name;
      outputs.replaceAll(o -> o.equals(keep) ? survivor.name : o);
      rename(survivor.name, keep);
    }
  }

  /** Drops nodes that no output depends on (the leftovers of folded patterns). */
  void removeUnused() {
    Set<String> live = new HashSet<>(outputs);
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Draft d = nodes.get(i);
      if (live.contains(d.name)) {
        live.addAll(d.inputs);
      } else {
        nodes.remove(i);
        used.remove(d.name);
      }
    }
  }

  Model build(String graphName) {
    List<Node> graphNodes = new ArrayList<>(nodes.size());
    Weights weights = new Weights();
    for (Draft d : nodes) {
      graphNodes.add(new Node(d.name, d.op, d.inputs));
      d.params.forEach((role, t) -> weights.put(new ParamKey(d.name, role), t));
    }
    Graph g = Graph.of(graphName, inputs, graphNodes, outputs);
    Map<ParamKey, int[]> expected = g.paramShapes();
    for (Map.Entry<ParamKey, int[]> e : new LinkedHashMap<>(expected).entrySet()) {
      if (!weights.contains(e.getKey())) {
        throw new InvalidModelException("node '" + e.getKey().node() + "': no " + e.getKey().role().key() + " tensor was found");
      }
      if (!weights.get(e.getKey()).hasShape(e.getValue())) {
        throw new InvalidModelException("node '" + e.getKey().node() + "': " + e.getKey().role().key() + " has shape "
            + java.util.Arrays.toString(weights.get(e.getKey()).shape()) + " but the node needs " + java.util.Arrays.toString(e.getValue()));
      }
    }
    return new Model(g, weights);
  }
}
