package dev.topiary.engine.graph;

import dev.topiary.engine.InvalidModelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Graph} node by node. Shapes are inferred as nodes are added, so a zoo builder can
 * ask {@link #shape} for the channels it is about to consume, and a mistake is reported at the node
 * that makes it. {@link #build} validates the whole graph once more.
 */
public final class GraphBuilder {
  private final String name;
  private final List<GraphInput> inputs = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final List<String> outputs = new ArrayList<>();
  private final Map<String, TensorShape> shapes = new HashMap<>();
  private final Map<String, String> metadata = new java.util.TreeMap<>();

  GraphBuilder(String name) {
    this.name = name;
  }

  /** Declares an input with its per-sample shape; returns its name. */
  public String input(String inputName, int... shape) {
    Graph.requireName(inputName, "input name");
    requireNew(inputName);
    TensorShape s;
    try {
      s = TensorShape.of(shape);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("input '" + inputName + "': " + e.getMessage(), e);
    }
    inputs.add(new GraphInput(inputName, s));
    shapes.put(inputName, s);
    return inputName;
  }

  /** Adds a node reading the given inputs; returns its name for chaining. */
  public String add(String nodeName, Op op, String... from) {
    Graph.requireName(nodeName, "node name");
    requireNew(nodeName);
    Node n = new Node(nodeName, op, List.of(from));
    int arity = op.arity();
    if (arity == Op.VARIADIC ? from.length < 2 : from.length != arity) {
      throw new InvalidModelException("node " + n + ": takes " + (arity == Op.VARIADIC ? "two or more inputs" : arity + " input(s)") + ", got " + from.length);
    }
    for (String in : from) {
      if (!shapes.containsKey(in)) {
        throw new InvalidModelException("node " + n + ": input '" + in + "' is not defined (dangling input)");
      }
    }
    shapes.put(nodeName, Graph.infer(n, shapes));
    nodes.add(n);
    return nodeName;
  }

  /** Marks a node or input as a graph output. */
  public GraphBuilder output(String nodeName) {
    outputs.add(nodeName);
    return this;
  }

  /** The inferred shape of a node or input added so far. */
  public TensorShape shape(String nodeName) {
    TensorShape s = shapes.get(nodeName);
    if (s == null) {
      throw new InvalidModelException("no node or input '" + nodeName + "' has been added to graph '" + name + "'");
    }
    return s;
  }

  /** Channels of a node's output. */
  public int channels(String nodeName) {
    return shape(nodeName).channels();
  }

  /** Sets one metadata pair of the graph (see {@link Graph#metadata()}). */
  public GraphBuilder metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  public Graph build() {
    return Graph.of(name, inputs, nodes, outputs, metadata);
  }

  private void requireNew(String n) {
    if (shapes.containsKey(n)) {
      throw new InvalidModelException("node '" + n + "': the name is already used by another node or input");
    }
  }
}
