package dev.topiary.engine.graph;

import dev.topiary.engine.InvalidModelException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.regex.Pattern;

/**
 * A model: a validated directed acyclic graph of typed nodes, with every edge's shape inferred from
 * the declared inputs.
 *
 * <p>Invariants, checked on construction ({@link #of}, {@link GraphBuilder#build}, {@link
 * GraphJson#read}): names are unique and well formed; every input a node reads exists; there is no
 * cycle; each op gets the number of inputs it takes and shapes it accepts; outputs exist. Nodes are
 * kept in a topological order that preserves the given order where it is already valid.
 * Immutable: surgery builds a new graph.
 *
 * <p>A graph may carry {@linkplain #metadata() metadata}: string pairs that belong to the model but
 * are not nodes, such as a Detect head's anchors ({@code detect.anchors}). Surgery, JSON and ONNX
 * (as {@code metadata_props}) keep them.
 */
public final class Graph {
  /** Version of the JSON form written by {@link GraphJson}. */
  public static final int FORMAT_VERSION = 1;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_/][A-Za-z0-9_.:/\\-]*");

  private final String name;
  private final List<GraphInput> inputs;
  private final List<Node> nodes;
  private final List<String> outputs;
  private final Map<String, Node> byName;
  private final Map<String, TensorShape> shapes;
  private final Map<String, List<String>> consumers;
  private final Map<String, String> metadata;

  private Graph(String name, List<GraphInput> inputs, List<Node> sorted, List<String> outputs,
      Map<String, TensorShape> shapes, Map<String, String> metadata) {
    this.name = name;
    this.metadata = Collections.unmodifiableMap(new java.util.TreeMap<>(metadata));
    this.inputs = List.copyOf(inputs);
    this.nodes = List.copyOf(sorted);
    this.outputs = List.copyOf(outputs);
    this.shapes = Collections.unmodifiableMap(shapes);
    Map<String, Node> index = new HashMap<>();
    Map<String, List<String>> cons = new HashMap<>();
    for (Node n : nodes) {
      index.put(n.name(), n);
      for (String in : n.inputs()) {
        cons.computeIfAbsent(in, k -> new ArrayList<>()).add(n.name());
      }
    }
    this.byName = Collections.unmodifiableMap(index);
    cons.replaceAll((k, v) -> List.copyOf(v));
    this.consumers = Collections.unmodifiableMap(cons);
  }

  /** Validates and builds a graph. */
  public static Graph of(String name, List<GraphInput> inputs, List<Node> nodes, List<String> outputs) {
    return of(name, inputs, nodes, outputs, Map.of());
  }

  /** Validates and builds a graph with metadata (keys non-blank, values non-null). */
  public static Graph of(String name, List<GraphInput> inputs, List<Node> nodes, List<String> outputs, Map<String, String> metadata) {
    requireName(name, "graph name");
    metadata.forEach((k, v) -> {
      if (k == null || k.isBlank() || v == null) {
        throw new InvalidModelException("graph '" + name + "': metadata keys must be non-blank and values non-null, got " + k + "=" + v);
      }
    });
    if (inputs.isEmpty()) {
      throw new InvalidModelException("graph '" + name + "' declares no input");
    }
    if (outputs.isEmpty()) {
      throw new InvalidModelException("graph '" + name + "' declares no output");
    }
    Map<String, Integer> index = new HashMap<>();
    for (GraphInput in : inputs) {
      requireName(in.name(), "input name");
      if (index.put(in.name(), -1) != null) {
        throw new InvalidModelException("input '" + in.name() + "' is declared twice");
      }
    }
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      requireName(n.name(), "node name");
      if (index.put(n.name(), i) != null) {
        throw new InvalidModelException("node '" + n.name() + "': the name is already used by another node or input");
      }
    }
    for (Node n : nodes) {
      int arity = n.op().arity();
      int got = n.inputs().size();
      if (arity == Op.VARIADIC ? got < 2 : got != arity) {
        throw new InvalidModelException("node " + n + ": takes " + (arity == Op.VARIADIC ? "two or more inputs" : arity + " input(s)") + ", got " + got);
      }
      for (String in : n.inputs()) {
        if (!index.containsKey(in)) {
          throw new InvalidModelException("node " + n + ": input '" + in + "' is not defined (dangling input)");
        }
      }
    }
    List<Node> sorted = topologicalOrder(nodes, index);
    Map<String, TensorShape> shapes = new HashMap<>();
    for (GraphInput in : inputs) {
      shapes.put(in.name(), in.shape());
    }
    for (Node n : sorted) {
      shapes.put(n.name(), infer(n, shapes));
    }
    for (String out : outputs) {
      if (!shapes.containsKey(out)) {
        throw new InvalidModelException("output '" + out + "' is not a node or input of graph '" + name + "'");
      }
    }
    return new Graph(name, inputs, sorted, outputs, shapes, metadata);
  }

  /** A builder for a new graph. */
  public static GraphBuilder builder(String name) {
    return new GraphBuilder(name);
  }

  static TensorShape infer(Node n, Map<String, TensorShape> shapes) {
    List<TensorShape> in = new ArrayList<>(n.inputs().size());
    for (String i : n.inputs()) {
      in.add(shapes.get(i));
    }
    try {
      return n.op().inferShape(in);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("node " + n + ": shape mismatch: " + e.getMessage(), e);
    }
  }

  static void requireName(String name, String what) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidModelException(what + " '" + name + "' is invalid: use letters, digits, '_', '.', ':', '/' or '-'");
    }
  }

  private static List<Node> topologicalOrder(List<Node> nodes, Map<String, Integer> index) {
    int n = nodes.size();
    int[] pending = new int[n];
    List<List<Integer>> readers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      readers.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      for (String in : nodes.get(i).inputs()) {
        int src = index.get(in);
        if (src >= 0) {
          pending[i]++;
          readers.get(src).add(i);
        }
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    List<Node> order = new ArrayList<>(n);
    while (!ready.isEmpty()) {
      int i = ready.poll();
      order.add(nodes.get(i));
      for (int r : readers.get(i)) {
        if (--pending[r] == 0) {
          ready.add(r);
        }
      }
    }
    if (order.size() < n) {
      throw new InvalidModelException("the graph has a cycle through " + describeCycle(nodes, index, pending));
    }
    return order;
  }

  private static String describeCycle(List<Node> nodes, Map<String, Integer> index, int[] pending) {
    int start = 0;
    while (pending[start] == 0) {
      start++;
    }
    List<String> path = new ArrayList<>();
    Map<Integer, Integer> seen = new HashMap<>();
    int cur = start;
    while (!seen.containsKey(cur)) {
      seen.put(cur, path.size());
      path.add(nodes.get(cur).name());
      int next = -1;
      for (String in : nodes.get(cur).inputs()) {
        int src = index.get(in);
        if (src >= 0 && pending[src] > 0) {
          next = src;
          break;
        }
      }
      cur = next;
    }
    List<String> cycle = new ArrayList<>(path.subList(seen.get(cur), path.size()));
    Collections.reverse(cycle);
    int first = 0;
    for (int i = 1; i < cycle.size(); i++) {
      if (index.get(cycle.get(i)) < index.get(cycle.get(first))) {
        first = i;
      }
    }
    Collections.rotate(cycle, -first); // start at the node declared first
    cycle.add(cycle.get(0));
    return "nodes " + String.join(" -> ", cycle);
  }

  public String name() {
    return name;
  }

  public List<GraphInput> inputs() {
    return inputs;
  }

  /** All nodes in topological order. */
  public List<Node> nodes() {
    return nodes;
  }

  public List<String> outputs() {
    return outputs;
  }

  /** The node of that name. */
  public Node node(String nodeName) {
    Node n = byName.get(nodeName);
    if (n == null) {
      throw new InvalidModelException("graph '" + name + "' has no node '" + nodeName + "'");
    }
    return n;
  }

  public boolean hasNode(String nodeName) {
    return byName.containsKey(nodeName);
  }

  /** The inferred output shape of a node or input. */
  public TensorShape shape(String nodeOrInput) {
    TensorShape s = shapes.get(nodeOrInput);
    if (s == null) {
      throw new InvalidModelException("graph '" + name + "' has no node or input '" + nodeOrInput + "'");
    }
    return s;
  }

  /** The shapes a node reads, in input order. */
  public List<TensorShape> inputShapes(Node n) {
    List<TensorShape> in = new ArrayList<>(n.inputs().size());
    for (String i : n.inputs()) {
      in.add(shapes.get(i));
    }
    return in;
  }

  /** Nodes that read this node or input, in topological order. */
  public List<String> consumers(String nodeOrInput) {
    return consumers.getOrDefault(nodeOrInput, List.of());
  }

  /** Every parameter of the graph with its expected shape, in node order. */
  public Map<ParamKey, int[]> paramShapes() {
    Map<ParamKey, int[]> out = new LinkedHashMap<>();
    for (Node n : nodes) {
      Map<ParamRole, int[]> p = n.op().paramShapes(inputShapes(n));
      for (ParamRole r : ParamRole.values()) {
        if (p.containsKey(r)) {
          out.put(new ParamKey(n.name(), r), p.get(r));
        }
      }
    }
    return out;
  }

  /** Learnable parameters (BN running statistics excluded), the convention of published counts. */
  public long parameterCount() {
    long total = 0;
    for (Map.Entry<ParamKey, int[]> e : paramShapes().entrySet()) {
      if (e.getKey().role().learnable()) {
        long n = 1;
        for (int d : e.getValue()) {
          n *= d;
        }
        total += n;
      }
    }
    return total;
  }

  /** Multiply-accumulates per sample (Conv and Gemm), see {@link Op#macs}. */
  public long macs() {
    long total = 0;
    for (Node n : nodes) {
      total += n.op().macs(inputShapes(n), shapes.get(n.name()));
    }
    return total;
  }

  /** The graph's metadata, sorted by key; empty for most graphs. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** This graph with its metadata replaced. */
  public Graph withMetadata(Map<String, String> replaced) {
    return of(name, inputs, nodes, outputs, replaced);
  }

  /** A builder seeded with this graph's inputs, nodes and metadata, to derive a new graph. */
  public GraphBuilder toBuilder() {
    GraphBuilder b = new GraphBuilder(name);
    metadata.forEach(b::metadata);
    for (GraphInput in : inputs) {
      b.input(in.name(), in.shape().toArray());
    }
    for (Node n : nodes) {
      b.add(n.name(), n.op(), n.inputs().toArray(String[]::new));
    }
    outputs.forEach(b::output);
    return b;
  }

  @Override
  public String toString() {
    return "Graph " + name + " (" + nodes.size() + " nodes, inputs " + inputs + ", outputs " + outputs + ")";
  }
}
