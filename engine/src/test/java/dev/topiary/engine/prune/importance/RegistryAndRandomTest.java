package dev.topiary.engine.prune.importance;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryAndRandomTest {

  @Test
  void createsEveryCriterionByItsName() {
    assertEquals(List.of("l1", "l2", "bn-scale", "hrank", "taylor", "apoz", "random"), Importances.names());
    for (String name : Importances.names()) {
      Importance i = Importances.byName(name);
      assertEquals(name, i.name());
      assertEquals(List.of("hrank", "taylor", "apoz").contains(name), i.needsData(), name);
    }
  }

  @Test
  void rejectsUnknownCriterionListingTheValidOnes() {
    var e = assertThrows(IllegalArgumentException.class, () -> Importances.byName("l3"));
    assertTrue(e.getMessage().contains("'l3'"), e.getMessage());
    assertTrue(e.getMessage().contains("l1, l2, bn-scale, hrank, taylor, apoz, random"), e.getMessage());
  }

  @Test
  void dataCriterionWithoutDataNamesItself() {
    Model m = MagnitudeImportanceTest.residualModel();
    DependencyGraph d = DependencyGraph.of(m.graph());
    for (String name : List.of("hrank", "taylor", "apoz")) {
      var e = assertThrows(InvalidPruningConfigException.class, () -> Importances.byName(name).score(m, d, null));
      assertTrue(e.getMessage().startsWith("criterion '" + name + "' needs data"), e.getMessage());
    }
  }

  @Test
  void randomIsSeededAndUniformInUnitInterval() {
    Model m = MagnitudeImportanceTest.residualModel();
    DependencyGraph d = DependencyGraph.of(m.graph());
    ChannelGroup g = d.groupOf("a");
    float[] a = Importances.byName("random", 42).score(m, d, null).scores(g);
    float[] b = new RandomImportance(42).score(m, d, null).scores(g);
    float[] c = new RandomImportance(43).score(m, d, null).scores(g);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
    for (float v : a) {
      assertTrue(v >= 0 && v < 1, "score " + v);
    }
  }

  @Test
  void scoringDataValidatesItsFields() {
    var e = assertThrows(IllegalArgumentException.class, () -> ScoringData.builder().build());
    assertTrue(e.getMessage().startsWith("data:"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ScoringData.of((epoch, manager) -> List.of(), 0));
    assertTrue(e.getMessage().startsWith("limit:"), e.getMessage());
    assertEquals(ScoringData.DEFAULT_LIMIT, ScoringData.builder().setData((epoch, manager) -> List.of()).build().limit());
  }
}
