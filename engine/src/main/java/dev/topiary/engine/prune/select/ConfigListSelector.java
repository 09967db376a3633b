package dev.topiary.engine.prune.select;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An NNI-style config list: entries select Conv and Gemm nodes by type, name or name pattern and
 * give them a sparsity, or exclude them. As in NNI, for each node the last entry that selects it
 * decides: later entries override earlier ones, and a node whose deciding entry excludes it is never
 * pruned, nor is any group it produces channels for. A node of {@code f} filters loses {@code
 * int(sparsity * f)} (NNI's count), its lowest-scored ones. Groups written by several nodes get one
 * sparsity by the {@link CoupledRate} rule. An opName that is not a Conv or Gemm node, a pattern
 * matching no Conv or Gemm node, and an entry selecting nothing are errors.
 */
public final class ConfigListSelector implements Selector {
  private final List<PruneConfig> configs;
  private final CoupledRate coupledRate;
  private final ChannelConstraints constraints;

  private ConfigListSelector(Builder b) {
    this.configs = List.copyOf(b.configs);
    this.coupledRate = b.coupledRate;
    this.constraints = b.constraints();
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<PruneConfig> configs() {
    return configs;
  }

  @Override
  public PruningPlan plan(DependencyGraph deps, Map<Integer, float[]> scores) {
    Graph g = deps.graph();
    List<Node> layers = g.nodes().stream().filter(n -> n.type() == OpType.CONV || n.type() == OpType.GEMM).toList();
    checkNames(g, layers);
    Map<String, Double> rates = new LinkedHashMap<>();
    Set<String> excluded = new HashSet<>();
    for (Node n : layers) {
      PruneConfig decides = null;
      for (PruneConfig c : configs) {
        if (c.selects(n.name(), n.type())) {
          decides = c;
        }
      }
      if (decides != null && decides.exclude()) {
        excluded.add(n.name());
      } else if (decides != null) {
        rates.put(n.name(), decides.sparsity());
      }
    }
    return LayerRates.plan(deps, scores, rates, excluded, coupledRate, constraints, "sparsity", "config list " + configs);
  }

  private void checkNames(Graph g, List<Node> layers) {
    for (int i = 0; i < configs.size(); i++) {
      PruneConfig c = configs.get(i);
      for (String name : c.opNames()) {
        if (!g.hasNode(name)) {
          throw new InvalidPruningConfigException("config entry #" + i + ": graph '" + g.name() + "' has no node '" + name + "'");
        }
        OpType t = g.node(name).type();
        if (t != OpType.CONV && t != OpType.GEMM) {
          throw new InvalidPruningConfigException("config entry #" + i + ": node '" + name + "' is a " + t.jsonName() + "; entries select Conv or Gemm nodes");
        }
      }
      for (Pattern p : c.opNamePatterns()) {
        if (layers.stream().noneMatch(n -> p.matcher(n.name()).matches())) {
          throw new InvalidPruningConfigException("config entry #" + i + ": pattern '" + p + "' matches no Conv or Gemm node of graph '" + g.name() + "'");
        }
      }
      if (layers.stream().noneMatch(n -> c.selects(n.name(), n.type()))) {
        throw new InvalidPruningConfigException("config entry #" + i + " " + c + " selects no node of graph '" + g.name() + "'");
      }
    }
  }

  /** Builds a {@link ConfigListSelector}: at least one config entry is required. */
  public static final class Builder extends SelectorBuilder<Builder> {
    private final List<PruneConfig> configs = new ArrayList<>();
    private CoupledRate coupledRate = CoupledRate.FIRST_PRODUCER;

    private Builder() {}

    /** Appends an entry; later entries override earlier ones. */
    public Builder addConfig(PruneConfig c) {
      configs.add(c);
      return this;
    }

    /** Replaces the entries. */
    public Builder setConfigs(List<PruneConfig> list) {
      configs.clear();
      configs.addAll(list);
      return this;
    }

    /** How a group written by several nodes gets its sparsity (default {@link CoupledRate#FIRST_PRODUCER}). */
    public Builder optCoupledRate(CoupledRate rule) {
      this.coupledRate = rule;
      return this;
    }

    /** @throws IllegalArgumentException naming the missing or invalid field */
    public void validate() {
      if (configs.isEmpty()) {
        throw new IllegalArgumentException("configs is required: add at least one entry");
      }
      if (configs.contains(null)) {
        throw new IllegalArgumentException("configs must not contain null");
      }
      if (coupledRate == null) {
        throw new IllegalArgumentException("coupledRate must not be null");
      }
      validateConstraints();
    }

    public ConfigListSelector build() {
      validate();
      return new ConfigListSelector(this);
    }

    @Override
    Builder self() {
      return this;
    }
  }
}
