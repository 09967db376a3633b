package dev.topiary.engine.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.GlobalAveragePool;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.zoo.Zoo;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelStatsTest {

  /** conv 3->4 3x3 on 8x8 with bias, BN, ReLU, depthwise 3x3, pool, fc 4->5. */
  private static Graph tiny() {
    GraphBuilder b = Graph.builder("tiny");
    b.input("input", 3, 8, 8);
    b.add("conv", Conv.of(4, 3, 1, 1).withBias(true), "input");
    b.add("bn", BatchNormalization.standard(), "conv");
    b.add("relu", new Relu(), "bn");
    b.add("dw", Conv.of(4, 3, 2, 1).withGroups(4), "relu");
    b.add("pool", new GlobalAveragePool(), "dw");
    b.add("flatten", new Flatten(), "pool");
    b.add("fc", new Gemm(5, true), "flatten");
    return b.output("fc").build();
  }

  @Test
  void countsEachNodeInTopologicalOrder() {
    ModelStats s = ModelStats.of(tiny());
    assertEquals(List.of("conv", "bn", "relu", "dw", "pool", "flatten", "fc"),
        s.nodes().stream().map(NodeStats::name).toList());
    assertEquals(new NodeStats("conv", OpType.CONV, TensorShape.of(4, 8, 8), 4 * 27 + 4, 4 * 64 * 27), s.node("conv"));
    // BN: gamma and beta count, running statistics do not; no MACs
    assertEquals(new NodeStats("bn", OpType.BATCH_NORMALIZATION, TensorShape.of(4, 8, 8), 8, 0), s.node("bn"));
    // depthwise: one input channel per group
    assertEquals(new NodeStats("dw", OpType.CONV, TensorShape.of(4, 4, 4), 36, 4 * 16 * 9), s.node("dw"));
    assertEquals(new NodeStats("fc", OpType.GEMM, TensorShape.of(5), 25, 20), s.node("fc"));
    assertEquals(112 + 8 + 36 + 25, s.params());
    assertEquals(4 * 64 * 27 + 4 * 16 * 9 + 20, s.macs());
    assertEquals(112 + 36 + 25, s.convAndLinearParams());
    assertEquals(8, s.params(EnumSet.of(OpType.BATCH_NORMALIZATION)));
  }

  @Test
  void totalsAgreeWithTheGraphOnAZooModel() {
    Graph g = Zoo.build("resnet56");
    ModelStats s = ModelStats.of(g);
    assertEquals(g.parameterCount(), s.params());
    assertEquals(g.macs(), s.macs());
    assertEquals(g.nodes().size(), s.nodes().size());
    assertEquals(2304L * 32 * 32, s.node("layer1.0.conv1").macs());
  }

  @Test
  void formatsCountsAsPapersDo() {
    assertEquals("0.85M", ModelStats.human(853_018));
    assertEquals("125.49M", ModelStats.human(125_485_696));
    assertEquals("1.52B", ModelStats.human(1_521_756_160L));
    assertEquals("0.01M", ModelStats.human(10_000));
    assertEquals("9999", ModelStats.human(9_999));
    assertEquals("0", ModelStats.human(0));
  }

  @Test
  void rendersAnAlignedTableWithTotals() {
    assertEquals("""
        name    | op                 | output    | params |  MACs
        --------+--------------------+-----------+--------+------
        conv    | Conv               | [4, 8, 8] |    112 | 6,912
        bn      | BatchNormalization | [4, 8, 8] |      8 |     0
        relu    | Relu               | [4, 8, 8] |      0 |     0
        dw      | Conv               | [4, 4, 4] |     36 |   576
        pool    | GlobalAveragePool  | [4, 1, 1] |      0 |     0
        flatten | Flatten            | [4]       |      0 |     0
        fc      | Gemm               | [5]       |     25 |    20
        --------+--------------------+-----------+--------+------
        total   |                    |           |    181 | 7,508
        """, ModelStats.of(tiny()).table());
  }

  @Test
  void tableTotalsAddHumanFiguresForLargeModels() {
    List<String> lines = ModelStats.of(Zoo.build("resnet56")).table().lines().toList();
    String total = lines.get(lines.size() - 1);
    assertTrue(total.startsWith("total "), total);
    assertTrue(total.endsWith("| 853,018 (0.85M) | 125,485,696 (125.49M)"), total);
    for (String line : lines) {
      assertEquals(lines.get(0).length(), line.length(), line);
    }
  }

  @Test
  void rejectsUnknownNodeNamingIt() {
    var e = assertThrows(IllegalArgumentException.class, () -> ModelStats.of(tiny()).node("conv9"));
    assertEquals("graph 'tiny' has no node 'conv9'", e.getMessage());
  }
}
