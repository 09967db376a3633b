package dev.topiary.engine.prune.sparse;

import static dev.topiary.engine.prune.sparse.SparseFixtures.weight;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.sparse.SparsityReport.Layer;
import dev.topiary.engine.zoo.Zoo;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparsityReportTest {
  private static final Model LENET = SparseFixtures.randomModel(Zoo.build("lenet5"), 11);

  @Test
  void countsZerosPerLayerAndOverAllPrunableWeights() throws Exception {
    Model sparse = MagnitudePruner.layerwise(LENET, SparsityRules.parse("Conv=0.5; node:fc1=0.9")).applyTo(LENET);
    SparsityReport r = SparsityReport.of(LENET, sparse);
    assertEquals(List.of("conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight", "fc3.weight"),
        r.layers().stream().map(l -> l.weight().tensorName()).toList());
    Layer conv1 = r.layer(weight("conv1"));
    assertEquals(150, conv1.weights());
    assertEquals(75, conv1.zeros());
    assertEquals(0.5, conv1.sparsity());
    assertEquals(2400, r.layer(weight("conv2")).weights());
    assertEquals(43200, r.layer(weight("fc1")).zeros(), "0.9 of 48000");
    assertEquals(0, r.layer(weight("fc2")).zeros());
    long total = 150 + 2400 + 48000 + 10080 + 840;
    assertEquals(total, r.totalWeights());
    assertEquals(75 + 1200 + 43200, r.totalZeros());
    assertEquals((75 + 1200 + 43200) / (double) total, r.totalSparsity(), 1e-12);
    assertEquals(r.sizeBefore().rawBytes(), r.sizeAfter().rawBytes(), "a masked model stays dense on disk");
    String table = r.toTable();
    assertTrue(table.contains("fc1.weight") && table.contains("43,200") && table.contains("90.00%"), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("total ")), table);
  }

  @Test
  void aNinetyPercentSparseModelZipsBelowFortyPercentOfTheDense() throws Exception {
    Model sparse = MagnitudePruner.layerwise(LENET, SparsityRules.uniform(0.9)).applyTo(LENET);
    SparsityReport r = SparsityReport.of(LENET, sparse);
    assertEquals(0.9, r.totalSparsity(), 1e-3);
    assertTrue(r.sizeBefore().zippedBytes() > 0.8 * r.sizeBefore().rawBytes(), "random dense weights barely compress: " + r.sizeBefore());
    assertTrue(r.sizeAfter().zippedBytes() < 0.4 * r.sizeBefore().zippedBytes(), r.toTable());
  }
}
