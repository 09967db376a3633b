package dev.topiary.engine.prune.sparse;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Picks prunable layers (Conv and Gemm nodes) of a graph. Each selector has a text form, which
 * {@link #parse} reads and {@link #toString} writes:
 *
 * <table>
 *   <caption>Selector text forms</caption>
 *   <tr><th>text</th><th>selects</th></tr>
 *   <tr><td>{@code *}</td><td>every Conv and Gemm</td></tr>
 *   <tr><td>{@code Conv}, {@code Gemm}</td><td>every node of that op type</td></tr>
 *   <tr><td>{@code Conv[3..12]}, {@code Conv[3]}, {@code Conv[3..]}</td><td>the 3rd to 12th Conv
 *       (the 3rd only; the 3rd to the last), counted from 1 in topological order</td></tr>
 *   <tr><td>{@code node:features.conv0}</td><td>that node</td></tr>
 *   <tr><td>{@code glob:layer1.*}</td><td>names matching the glob ({@code *} any run of
 *       characters, dots included; {@code ?} one character)</td></tr>
 *   <tr><td>{@code regex:features\.conv\d+}</td><td>names the regular expression matches
 *       entirely</td></tr>
 * </table>
 *
 * <p>A selector naming a node or ordinal the graph lacks is an error; a type, glob or regex that
 * matches nothing selects nothing, so that one recipe serves several architectures.
 */
public sealed interface LayerSelector {

  /**
   * The names of the prunable nodes selected, in topological order.
   *
   * @throws InvalidPruningConfigException when a named node does not exist or is not a Conv or
   *     Gemm, or an ordinal is beyond the graph's count
   */
  List<String> select(Graph graph);

  static LayerSelector all() {
    return new All();
  }

  static LayerSelector node(String name) {
    return new Named(name);
  }

  static LayerSelector type(OpType type) {
    return new OfType(type);
  }

  /** The {@code first}-th to {@code last}-th node of a type, counted from 1, both included. */
  static LayerSelector ordinals(OpType type, int first, int last) {
    return new Ordinals(type, first, last);
  }

  static LayerSelector glob(String glob) {
    return new Glob(glob);
  }

  static LayerSelector regex(String regex) {
    return new Regex(regex);
  }

  /**
   * Reads the text form (see the class comment); surrounding blanks are ignored.
   *
   * @throws IllegalArgumentException when the text is none of the forms, saying which are valid
   */
  static LayerSelector parse(String text) {
    String t = text.strip();
    if (t.equals("*")) {
      return all();
    }
    if (t.startsWith("node:")) {
      return node(t.substring(5));
    }
    if (t.startsWith("glob:")) {
      return glob(t.substring(5));
    }
    if (t.startsWith("regex:")) {
      return regex(t.substring(6));
    }
    // Type[first], Type[first..last], Type[first..]
    Matcher m = Pattern.compile("([A-Za-z]+)\\[\\s*(\\d+)\\s*(\\.\\.\\s*(\\d*)\\s*)?]").matcher(t);
    if (m.matches()) {
      OpType type = prunableType(m.group(1));
      int first = Integer.parseInt(m.group(2));
      int last = m.group(3) == null ? first : m.group(4).isEmpty() ? Ordinals.TO_END : Integer.parseInt(m.group(4));
      return ordinals(type, first, last);
    }
    if (t.matches("[A-Za-z]+")) {
      return type(prunableType(t));
    }
    throw new IllegalArgumentException("selector '" + t + "' is not one of: *, Conv, Gemm, Conv[i..j], Conv[i..], Conv[i], node:<name>, glob:<glob>, regex:<regex>");
  }

  private static OpType prunableType(String name) {
    for (OpType t : List.of(OpType.CONV, OpType.GEMM)) {
      if (t.jsonName().equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("op type '" + name + "' is not prunable: use Conv or Gemm");
  }

  private static void requirePrunable(OpType type) {
    if (type != OpType.CONV && type != OpType.GEMM) {
      throw new IllegalArgumentException("type: only Conv and Gemm are pruned, got " + type.jsonName());
    }
  }

  private static List<String> prunableNames(Graph graph) {
    return graph.nodes().stream().filter(PrunableWeights::isPrunable).map(Node::name).toList();
  }

  /** Every Conv and Gemm. */
  record All() implements LayerSelector {
    @Override
    public List<String> select(Graph graph) {
      return prunableNames(graph);
    }

    @Override
    public String toString() {
      return "*";
    }
  }

  /** One node by its name. */
  record Named(String node) implements LayerSelector {
    public Named {
      Objects.requireNonNull(node, "node");
    }

    @Override
    public List<String> select(Graph graph) {
      if (!graph.hasNode(node)) {
        throw new InvalidPruningConfigException("selector " + this + ": graph '" + graph.name() + "' has no node '" + node + "'");
      }
      Node n = graph.node(node);
      if (!PrunableWeights.isPrunable(n)) {
        throw new InvalidPruningConfigException("selector " + this + ": node " + n + " is not a Conv or Gemm, which are the only layers pruned");
      }
      return List.of(node);
    }

    @Override
    public String toString() {
      return "node:" + node;
    }
  }

  /** Every node of a prunable op type. */
  record OfType(OpType type) implements LayerSelector {
    public OfType {
      requirePrunable(type);
    }

    @Override
    public List<String> select(Graph graph) {
      return graph.nodes().stream().filter(n -> n.type() == type).map(Node::name).toList();
    }

    @Override
    public String toString() {
      return type.jsonName();
    }
  }

  /** The {@code first}-th to {@code last}-th node of a type in topological order, from 1, inclusive. */
  record Ordinals(OpType type, int first, int last) implements LayerSelector {
    /** A {@code last} meaning "to the last node of the type". */
    public static final int TO_END = Integer.MAX_VALUE;

    public Ordinals {
      requirePrunable(type);
      if (first < 1 || last < first) {
        throw new IllegalArgumentException("ordinals: need 1 <= first <= last, got " + first + ".." + last);
      }
    }

    @Override
    public List<String> select(Graph graph) {
      List<String> ofType = new OfType(type).select(graph);
      int end = last == TO_END ? ofType.size() : last;
      if (first > ofType.size() || end > ofType.size()) {
        throw new InvalidPruningConfigException("selector " + this + ": graph '" + graph.name() + "' has only " + ofType.size() + " " + type.jsonName() + " nodes");
      }
      return ofType.subList(first - 1, end);
    }

    @Override
    public String toString() {
      return type.jsonName() + "[" + first + (last == first ? "" : ".." + (last == TO_END ? "" : last)) + "]";
    }
  }

  /** Prunable nodes whose names match a glob. */
  record Glob(String glob) implements LayerSelector {
    public Glob {
      Objects.requireNonNull(glob, "glob");
    }

    @Override
    public List<String> select(Graph graph) {
      StringBuilder re = new StringBuilder();
      for (char c : glob.toCharArray()) {
        re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
      }
      Pattern p = Pattern.compile(re.toString());
      return prunableNames(graph).stream().filter(n -> p.matcher(n).matches()).toList();
    }

    @Override
    public String toString() {
      return "glob:" + glob;
    }
  }

  /** Prunable nodes whose entire names match a regular expression. */
  record Regex(String regex) implements LayerSelector {
    public Regex {
      try {
        Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("regex: '" + regex + "' is invalid: " + e.getDescription(), e);
      }
    }

    @Override
    public List<String> select(Graph graph) {
      Pattern p = Pattern.compile(regex);
      return prunableNames(graph).stream().filter(n -> p.matcher(n).matches()).toList();
    }

    @Override
    public String toString() {
      return "regex:" + regex;
    }
  }
}
