package dev.topiary.engine.prune.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.zoo.Zoo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparsityRulesTest {
  private static final Graph VGG = Zoo.build("vgg16-bn");

  @Test
  void resolvesPaddlesRecipeToEachLayerInTopologicalOrder() {
    SparsityRules recipe = SparsityRules.builder()
        .add(LayerSelector.ordinals(OpType.CONV, 1, 2), 0.5)
        .add(LayerSelector.ordinals(OpType.CONV, 3, 12), 0.8)
        .add(LayerSelector.type(OpType.GEMM), 0.99)
        .build();
    assertEquals(recipe, SparsityRules.parse("Conv[1..2]=0.5; Conv[3..12]=0.8; Gemm=0.99"));
    assertEquals("Conv[1..2]=0.5; Conv[3..12]=0.8; Gemm=0.99", recipe.toString());
    Map<String, Double> byNode = recipe.resolve(VGG);
    assertEquals(14, byNode.size());
    assertEquals(List.of("features.conv0", "features.conv1", "features.conv3"), List.copyOf(byNode.keySet()).subList(0, 3));
    assertEquals(0.5, byNode.get("features.conv1"));
    assertEquals(0.8, byNode.get("features.conv3"));
    assertEquals(0.8, byNode.get("features.conv14"), "the 12th conv");
    assertEquals(null, byNode.get("features.conv16"), "the 13th conv is named by no rule");
    assertEquals(0.99, byNode.get("classifier.linear1"));
    assertEquals(0.99, byNode.get("classifier.linear2"));
  }

  @Test
  void laterRulesWinAndEverySelectorFormParses() {
    SparsityRules rules = SparsityRules.parse("""
        *=0.7
        Conv[3..]=0.6; glob:classifier.*=0.9
        regex:features\\.conv1[0-9]=0.4; node:features.conv0=0.1; Conv[2]=0.2
        """);
    Map<String, Double> byNode = rules.resolve(VGG);
    assertEquals(15, byNode.size());
    assertEquals(0.1, byNode.get("features.conv0"));
    assertEquals(0.2, byNode.get("features.conv1"));
    assertEquals(0.6, byNode.get("features.conv3"));
    assertEquals(0.4, byNode.get("features.conv10"));
    assertEquals(0.4, byNode.get("features.conv16"));
    assertEquals(0.9, byNode.get("classifier.linear2"));
    assertEquals(rules, SparsityRules.parse(rules.toString()), "the text form reads back");
    assertEquals(List.of(), LayerSelector.glob("layer1.*").select(VGG), "a pattern may match nothing");
  }

  @Test
  void rejectsMalformedRulesNamingThem() {
    InvalidPruningConfigException e = assertThrows(InvalidPruningConfigException.class, () -> SparsityRules.parse("Conv=0.5; BatchNormalization=0.5"));
    assertTrue(e.getMessage().contains("rule 2") && e.getMessage().contains("not prunable"), e.getMessage());
    e = assertThrows(InvalidPruningConfigException.class, () -> SparsityRules.parse("Conv 0.5"));
    assertTrue(e.getMessage().contains("'Conv 0.5'"), e.getMessage());
    e = assertThrows(InvalidPruningConfigException.class, () -> SparsityRules.parse("Conv[3..1]=0.5"));
    assertTrue(e.getMessage().contains("ordinals"), e.getMessage());
    e = assertThrows(InvalidPruningConfigException.class, () -> SparsityRules.parse("regex:conv[=0.5"));
    assertTrue(e.getMessage().contains("regex"), e.getMessage());
    e = assertThrows(InvalidPruningConfigException.class, () -> SparsityRules.parse("Gemm=lots"));
    assertTrue(e.getMessage().contains("'Gemm=lots'"), e.getMessage());
    e = assertThrows(InvalidPruningConfigException.class, () -> SparsityRules.parse("Conv[12..14]=0.5").resolve(VGG));
    assertTrue(e.getMessage().contains("Conv[12..14]") && e.getMessage().contains("only 13 Conv"), e.getMessage());
  }
}
