package dev.topiary.engine.prune.sparse;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which sparsity each prunable layer gets: an ordered list of rules {@code selector = sparsity},
 * where a later rule overrides an earlier one for the layers both select, and layers no rule
 * selects stay dense. Immutable.
 *
 * <p>Text form: rules separated by {@code ;} or new lines, each {@code <selector>=<sparsity>}
 * with a selector as {@link LayerSelector#parse} reads it. Paddle's VGG-16 recipe ("conv1-2 at
 * 0.5, conv3-12 at 0.8, fully connected at 0.99") reads
 *
 * <pre>
 * Conv[1..2]=0.5; Conv[3..12]=0.8; Gemm=0.99
 * </pre>
 *
 * and "everything at 0.8 but the first conv at 0.5" reads {@code *=0.8; Conv[1]=0.5}.
 *
 * <p>A sparsity is the fraction of a layer's weights to zero, in {@code [0, 1)}; see {@link
 * MagnitudePruner} for how it becomes a count.
 */
public final class SparsityRules {
  private final List<Rule> rules;

  private SparsityRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * One rule: the layers a selector picks get a sparsity.
   *
   * @throws InvalidPruningConfigException when the sparsity is outside {@code [0, 1)}, naming the
   *     selector
   */
  public record Rule(LayerSelector selector, double sparsity) {
    public Rule {
      Objects.requireNonNull(selector, "selector");
      requireSparsity(sparsity, "rule " + selector);
    }

    @Override
    public String toString() {
      return selector + "=" + sparsity;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** One sparsity for every Conv and Gemm. */
  public static SparsityRules uniform(double sparsity) {
    return builder().add(LayerSelector.all(), sparsity).build();
  }

  /**
   * Reads the text form (see the class comment).
   *
   * @throws InvalidPruningConfigException naming the rule that is malformed, has an invalid
   *     selector or a sparsity outside {@code [0, 1)}
   */
  public static SparsityRules parse(String text) {
    Builder b = builder();
    int index = 0;
    for (String raw : text.split("[;\\n]")) {
      String rule = raw.strip();
      if (rule.isEmpty()) {
        continue;
      }
      index++;
      int eq = rule.lastIndexOf('=');
      if (eq < 0) {
        throw new InvalidPruningConfigException("sparsity rule " + index + " '" + rule + "' is not <selector>=<sparsity>");
      }
      try {
        b.add(LayerSelector.parse(rule.substring(0, eq)), Double.parseDouble(rule.substring(eq + 1).strip()));
      } catch (IllegalArgumentException e) {
        throw new InvalidPruningConfigException("sparsity rule " + index + " '" + rule + "': " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  public List<Rule> rules() {
    return rules;
  }

  /**
   * The sparsity of each selected layer by node name, in topological order; the last rule that
   * selects a layer wins.
   *
   * @throws InvalidPruningConfigException when a rule names a node or ordinal the graph lacks
   */
  public Map<String, Double> resolve(Graph graph) {
    Map<String, Double> byNode = new HashMap<>();
    for (Rule r : rules) {
      for (String node : r.selector().select(graph)) {
        byNode.put(node, r.sparsity());
      }
    }
    Map<String, Double> ordered = new LinkedHashMap<>();
    for (Node n : graph.nodes()) {
      Double s = byNode.get(n.name());
      if (s != null) {
        ordered.put(n.name(), s);
      }
    }
    return ordered;
  }

  /** The text form, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return rules.stream().map(Rule::toString).collect(Collectors.joining("; "));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparsityRules r && rules.equals(r.rules);
  }

  @Override
  public int hashCode() {
    return rules.hashCode();
  }

  static void requireSparsity(double sparsity, String what) {
    if (!(sparsity >= 0 && sparsity < 1)) {
      throw new InvalidPruningConfigException(what + ": sparsity " + sparsity + " is outside [0, 1)");
    }
  }

  /** Rules in the order given; later ones override earlier ones. */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();

    private Builder() {}

    /** Appends a rule; throws as {@link Rule} does. */
    public Builder add(LayerSelector selector, double sparsity) {
      rules.add(new Rule(selector, sparsity));
      return this;
    }

    /** Appends a rule whose selector is in text form. */
    public Builder add(String selector, double sparsity) {
      return add(LayerSelector.parse(selector), sparsity);
    }

    public SparsityRules build() {
      return new SparsityRules(rules);
    }
  }
}
