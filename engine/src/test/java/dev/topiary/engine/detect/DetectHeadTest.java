package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectHeadTest {
  private static Graph yolov5n(int classes, int size) {
    return Zoo.build(ModelSpec.builder().setArch("yolov5n").optNumClasses(classes).optInputShape(3, size, size).build());
  }

  @Test
  void readsClassesAndStridesFromTheMaps() {
    DetectHead h = DetectHead.of(yolov5n(2, 64));
    assertEquals(List.of("model.24.m.0", "model.24.m.1", "model.24.m.2"), h.outputs());
    assertEquals(3, h.anchorsPerLevel());
    assertEquals(2, h.numClasses());
    assertEquals(7, h.valuesPerAnchor());
    assertArrayEquals(new int[] {8, 16, 32}, new int[] {h.stride(0), h.stride(1), h.stride(2)});
    assertArrayEquals(new int[] {8, 4, 2}, new int[] {h.gridHeight(0), h.gridHeight(1), h.gridHeight(2)});
    h.checkAnchors(Anchors.yolov5Default());
  }

  @Test
  void rejectsABackboneWhoseOutputsAreNotHeadMaps() {
    Graph g = Zoo.build(ModelSpec.builder().setArch("yolov5s-backbone").optInputShape(3, 64, 64).build());
    var e = assertThrows(InvalidModelException.class, () -> DetectHead.of(g));
    assertEquals("graph 'yolov5s-backbone': output 'model.17.cv3.act' has 128 channels, not 3 anchors x (5 + classes)"
        + " with at least one class", e.getMessage());
  }

  @Test
  void rejectsAnchorsWithOtherStrides() {
    DetectHead h = DetectHead.of(yolov5n(2, 64));
    Anchors a = new Anchors(new int[] {8, 16, 64}, new float[][] {{1, 1, 2, 2, 3, 3}, {1, 1, 2, 2, 3, 3}, {1, 1, 2, 2, 3, 3}});
    var e = assertThrows(IllegalArgumentException.class, () -> h.checkAnchors(a));
    assertEquals("anchors: level 2 has stride 64 where the head's map has stride 32", e.getMessage());
  }

  @Test
  void initialBiasesAreYolov5PriorsCountingTheInputsOwnCells() {
    Graph g = yolov5n(2, 64);
    Weights w = new Weights();
    g.paramShapes().forEach((k, s) -> w.put(k, Tensor.zeros(s)));
    Model before = new Model(g, w);
    Model after = DetectHead.of(g).withInitialBiases(before);
    // objectness: log(8 / cells), 8 x 8 = 64 cells at level 0, 2 x 2 at level 2;
    // classes: log(0.6 / (2 - 0.99999)) = -0.510836; box values untouched
    float[] b0 = after.weights().get(new ParamKey("model.24.m.0", ParamRole.BIAS)).data();
    float[] b2 = after.weights().get(new ParamKey("model.24.m.2", ParamRole.BIAS)).data();
    float cls = (float) Math.log(0.6 / 1.00001);
    for (int a = 0; a < 3; a++) {
      assertArrayEquals(new float[] {0, 0, 0, 0, (float) Math.log(8 / 64.0), cls, cls},
          java.util.Arrays.copyOfRange(b0, 7 * a, 7 * a + 7), 1e-6f);
      assertEquals(Math.log(2), b2[7 * a + 4], 1e-6);
    }
    assertEquals(-0.510836, cls, 1e-6);
    // the model given is unchanged; other tensors are shared
    assertEquals(0f, before.weights().get(new ParamKey("model.24.m.0", ParamRole.BIAS)).data()[4]);
    ParamKey conv = new ParamKey("model.0.conv", ParamRole.WEIGHT);
    assertSame(before.weights().get(conv), after.weights().get(conv));
  }
}
