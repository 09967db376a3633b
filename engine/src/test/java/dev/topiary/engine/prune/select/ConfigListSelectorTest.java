package dev.topiary.engine.prune.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigListSelectorTest {
  private final DependencyGraph deps = DependencyGraph.of(Fixtures.vgg());
  private final Map<Integer, float[]> scores = Fixtures.randomScores(deps, 3);

  private PruningPlan plan(PruneConfig... configs) {
    ConfigListSelector.Builder b = ConfigListSelector.builder();
    for (PruneConfig c : configs) {
      b.addConfig(c);
    }
    return b.build().plan(deps, scores);
  }

  @Test
  void laterEntriesOverrideEarlierOnesAndExcludedNodesAreNeverPruned() {
    PruningPlan p = plan(
        PruneConfig.builder().optOpTypes(OpType.CONV).setSparsity(0.5).build(),
        PruneConfig.builder().optOpNames("conv1").setSparsity(0.25).build(),
        PruneConfig.builder().optOpNamePatterns("conv[23]").optExclude().build(),
        PruneConfig.builder().optOpNames("conv3").setSparsityPerLayer(0.5).build());
    assertEquals(List.of("conv0", "conv1", "conv3"), p.entries().stream().map(PruningPlan.Entry::groupName).toList());
    assertEquals(5, p.entry("conv0").kept());
    assertEquals(12, p.entry("conv1").kept());
    assertEquals(4, p.entry("conv3").kept());
  }

  @Test
  void opTypesAndOpNamesMustBothMatch() {
    PruningPlan p = plan(PruneConfig.builder().optOpTypes(OpType.CONV).optOpNamePatterns("conv.*", "fc").setSparsity(0.5).build(),
        PruneConfig.builder().optOpTypes(OpType.GEMM).optOpNames("conv0", "fc").optExclude().build());
    assertEquals(5, p.entry("conv0").kept(), "the Gemm-only exclusion does not select conv0");
    assertEquals(4, p.entries().size());
  }

  @Test
  void unknownNamesAndPatternsMatchingNothingAreNamed() {
    var name = assertThrows(InvalidPruningConfigException.class, () -> plan(PruneConfig.builder().optOpNames("conv1", "nope").setSparsity(0.5).build()));
    assertEquals("config entry #0: graph 'vgg' has no node 'nope'", name.getMessage());
    var pattern = assertThrows(InvalidPruningConfigException.class, () -> plan(
        PruneConfig.builder().optOpTypes(OpType.CONV).setSparsity(0.5).build(),
        PruneConfig.builder().optOpNamePatterns("layer9\\..*").optExclude().build()));
    assertEquals("config entry #1: pattern 'layer9\\..*' matches no Conv or Gemm node of graph 'vgg'", pattern.getMessage());
    var bn = assertThrows(InvalidPruningConfigException.class, () -> plan(PruneConfig.builder().optOpNames("bn1").setSparsity(0.5).build()));
    assertTrue(bn.getMessage().contains("node 'bn1' is a BatchNormalization"), bn.getMessage());
    var none = assertThrows(InvalidPruningConfigException.class, () -> plan(PruneConfig.builder().optOpTypes(OpType.GEMM).optOpNames("conv1").setSparsity(0.5).build()));
    assertTrue(none.getMessage().contains("selects no node"), none.getMessage());
  }

  @Test
  void sparsityThatWouldEmptyALayerIsRefusedWithTheLargestAllowedRatio() {
    var e = assertThrows(InvalidPruningConfigException.class, () -> plan(PruneConfig.builder().optOpNames("conv1").setSparsity(1.0).build()));
    assertEquals("group conv1 has 16 channels: ratio 1.0 would empty it; the largest ratio allowed is 0.9375 (sparsity of 'conv1')", e.getMessage());
    assertEquals(1, plan(PruneConfig.builder().optOpNames("conv1").setSparsity(0.9375).build()).entry("conv1").kept());
  }

  @Test
  void sparsityOnTheOutputLayerIsRefused() {
    var e = assertThrows(InvalidPruningConfigException.class, () -> plan(PruneConfig.builder().optOpTypes(OpType.GEMM).setSparsity(0.5).build()));
    assertEquals("sparsity 0.5 of 'fc' cannot be applied: group fc cannot be pruned (feeds graph output 'fc'); give it 0 or exclude it", e.getMessage());
  }

  @Test
  void entriesAreValidatedByTheirBuilder() {
    assertThrows(IllegalArgumentException.class, () -> PruneConfig.builder().setSparsity(0.5).build());
    var type = assertThrows(IllegalArgumentException.class, () -> PruneConfig.builder().optOpTypes(OpType.BATCH_NORMALIZATION).setSparsity(0.5).build());
    assertTrue(type.getMessage().startsWith("opTypes"), type.getMessage());
    var sparsity = assertThrows(IllegalArgumentException.class, () -> PruneConfig.builder().optOpNames("conv1").build());
    assertTrue(sparsity.getMessage().startsWith("sparsity"), sparsity.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PruneConfig.builder().optOpNames("conv1").setSparsity(1.5).build());
    assertThrows(IllegalArgumentException.class, () -> ConfigListSelector.builder().build());
  }
}
