package dev.topiary.engine.prune.select;

import dev.topiary.engine.graph.OpType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of an NNI-style config list: which Conv and Gemm nodes it selects, and either the
 * sparsity (fraction of filters removed) to give them or that they are excluded. A node is
 * selected when its type is among {@code opTypes} (if given) and its name is among {@code opNames}
 * or fully matches one of {@code opNamePatterns} (if either is given): NNI's op_types AND op_names.
 * Immutable.
 */
public final class PruneConfig {
  private final Set<OpType> opTypes;
  private final List<String> opNames;
  private final List<Pattern> opNamePatterns;
  private final Double sparsity;
  private final boolean exclude;

  private PruneConfig(Builder b) {
    this.opTypes = b.opTypes.isEmpty() ? Set.of() : Set.copyOf(b.opTypes);
    this.opNames = List.copyOf(b.opNames);
    this.opNamePatterns = List.copyOf(b.opNamePatterns);
    this.sparsity = b.sparsity;
    this.exclude = b.exclude;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The prunable op type a config list names: ONNX's {@code Conv} and {@code Gemm}, or NNI's
   * (PyTorch's) {@code Conv2d} and {@code Linear}, so that an NNI config list works as written; null
   * for anything else.
   */
  public static OpType prunableType(String name) {
    return switch (name == null ? "" : name) {
      case "Conv", "Conv2d" -> OpType.CONV;
      case "Gemm", "Linear" -> OpType.GEMM;
      default -> null;
    };
  }

  /** Types selected; empty = any of Conv and Gemm. */
  public Set<OpType> opTypes() {
    return opTypes;
  }

  public List<String> opNames() {
    return opNames;
  }

  public List<Pattern> opNamePatterns() {
    return opNamePatterns;
  }

  /** The sparsity given to the selected nodes; null for an exclude entry. */
  public Double sparsity() {
    return sparsity;
  }

  public boolean exclude() {
    return exclude;
  }

  /** Whether this entry selects a node of this name and type. */
  boolean selects(String name, OpType type) {
    if (!opTypes.isEmpty() && !opTypes.contains(type)) {
      return false;
    }
    if (opNames.isEmpty() && opNamePatterns.isEmpty()) {
      return true;
    }
    return opNames.contains(name) || opNamePatterns.stream().anyMatch(p -> p.matcher(name).matches());
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    if (!opTypes.isEmpty()) {
      sb.append("opTypes: ").append(opTypes.stream().map(OpType::jsonName).sorted().toList()).append(", ");
    }
    if (!opNames.isEmpty()) {
      sb.append("opNames: ").append(opNames).append(", ");
    }
    if (!opNamePatterns.isEmpty()) {
      sb.append("opNamePatterns: ").append(opNamePatterns).append(", ");
    }
    sb.append(exclude ? "exclude: true" : "sparsity: " + sparsity);
    return sb.append('}').toString();
  }

  /** Builds a {@link PruneConfig}: a selection, and {@code setSparsity} or {@code optExclude}. */
  public static final class Builder {
    private final Set<OpType> opTypes = EnumSet.noneOf(OpType.class);
    private final List<String> opNames = new ArrayList<>();
    private final List<Pattern> opNamePatterns = new ArrayList<>();
    private Double sparsity;
    private boolean exclude;

    private Builder() {}

    /** Selects nodes of these types: {@link OpType#CONV} and/or {@link OpType#GEMM}. */
    public Builder optOpTypes(OpType... types) {
      opTypes.addAll(List.of(types));
      return this;
    }

    /** Selects nodes by exact name. */
    public Builder optOpNames(String... names) {
      opNames.addAll(List.of(names));
      return this;
    }

    /** Selects nodes whose whole name matches one of these regular expressions. */
    public Builder optOpNamePatterns(String... regexes) {
      for (String r : regexes) {
        opNamePatterns.add(Pattern.compile(r));
      }
      return this;
    }

    /** Fraction of each selected node's filters to remove, in [0, 1]; NNI's sparsity. */
    public Builder setSparsity(double s) {
      this.sparsity = s;
      return this;
    }

    /** Same as {@link #setSparsity}: NNI's sparsity_per_layer. */
    public Builder setSparsityPerLayer(double s) {
      return setSparsity(s);
    }

    /** Marks the selected nodes as never pruned. */
    public Builder optExclude() {
      this.exclude = true;
      return this;
    }

    /** @throws IllegalArgumentException naming the missing or invalid field */
    public void validate() {
      for (OpType t : opTypes) {
        if (t != OpType.CONV && t != OpType.GEMM) {
          throw new IllegalArgumentException("opTypes: only Conv and Gemm can be pruned, got " + t.jsonName());
        }
      }
      if (opTypes.isEmpty() && opNames.isEmpty() && opNamePatterns.isEmpty()) {
        throw new IllegalArgumentException("a config entry needs opTypes, opNames or opNamePatterns to select nodes");
      }
      if (exclude && sparsity != null) {
        throw new IllegalArgumentException("sparsity must not be set on an exclude entry");
      }
      if (!exclude && sparsity == null) {
        throw new IllegalArgumentException("sparsity is required unless the entry excludes its nodes");
      }
      if (sparsity != null && !(sparsity >= 0 && sparsity <= 1)) {
        throw new IllegalArgumentException("sparsity must be in [0, 1], got " + sparsity);
      }
    }

    public PruneConfig build() {
      validate();
      return new PruneConfig(this);
    }
  }
}
