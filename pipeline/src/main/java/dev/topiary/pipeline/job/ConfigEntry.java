package dev.topiary.pipeline.job;

import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.prune.select.PruneConfig;
import java.util.List;

/**
 * One entry of an NNI-style config list: nodes selected by type ({@code Conv}, {@code Gemm}),
 * exact name or whole-name regular expression (types AND names), and the sparsity they get or
 * {@code exclude: true}. Immutable; null lists mean not given.
 *
 * @param sparsity fraction of each selected node's filters removed, in [0, 1); null for an exclude entry
 */
public record ConfigEntry(List<String> opTypes, List<String> opNames, List<String> opNamePatterns, Double sparsity, boolean exclude) {
  public ConfigEntry {
    opTypes = Lists.copy(opTypes);
    opNames = Lists.copy(opNames);
    opNamePatterns = Lists.copy(opNamePatterns);
  }

  /** The engine's entry; throws as {@link PruneConfig.Builder#validate} does. */
  public PruneConfig toPruneConfig() {
    PruneConfig.Builder b = PruneConfig.builder();
    if (opTypes != null) {
      b.optOpTypes(opTypes.stream().map(PruneConfig::prunableType).toArray(OpType[]::new));
    }
    if (opNames != null) {
      b.optOpNames(opNames.toArray(String[]::new));
    }
    if (opNamePatterns != null) {
      b.optOpNamePatterns(opNamePatterns.toArray(String[]::new));
    }
    if (exclude) {
      b.optExclude();
    } else if (sparsity != null) {
      b.setSparsity(sparsity);
    }
    return b.build();
  }
}
