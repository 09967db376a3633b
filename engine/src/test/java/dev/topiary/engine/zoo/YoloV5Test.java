package dev.topiary.engine.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Hw;
import dev.topiary.engine.graph.TensorShape;
import java.util.List;
import org.junit.jupiter.api.Test;

class YoloV5Test {

  private static List<TensorShape> outputShapes(Graph g) {
    return g.outputs().stream().map(g::shape).toList();
  }

  @Test
  void backboneOutputsP3P4P5At640() {
    Graph g = Zoo.build("yolov5s-backbone");
    assertEquals(List.of("model.17.cv3.act", "model.20.cv3.act", "model.23.cv3.act"), g.outputs());
    assertEquals(List.of(TensorShape.of(128, 80, 80), TensorShape.of(256, 40, 40), TensorShape.of(512, 20, 20)),
        outputShapes(g));
  }

  @Test
  void detectHeadOutputsThreeAnchorsTimesBoxObjectnessAndClasses() {
    Graph g = Zoo.build(ModelSpec.builder().setArch("yolov5s").optNumClasses(3).optInputShape(3, 64, 64).build());
    assertEquals(List.of(TensorShape.of(24, 8, 8), TensorShape.of(24, 4, 4), TensorShape.of(24, 2, 2)), outputShapes(g));
    assertTrue(((Conv) g.node("model.24.m.2").op()).bias());
    assertEquals(List.of("model.23.cv3.act"), g.node("model.24.m.2").inputs());
  }

  @Test
  void followsTheV6LayersStemSppfAndC3() {
    Graph g = Zoo.build(ModelSpec.builder().setArch("yolov5s-backbone").optInputShape(3, 64, 64).build());
    Conv stem = (Conv) g.node("model.0.conv").op();
    assertEquals(new Conv(32, Hw.square(6), Hw.square(2), Hw.square(2), Hw.square(1), 1, false), stem);
    assertEquals(new BatchNormalization(1e-3, 0.03), g.node("model.0.bn").op());
    // C3 repeats 3, 6, 9, 3 scaled by 0.33: 1, 2, 3, 1
    assertTrue(g.hasNode("model.6.m.2.cv2.conv"));
    assertFalse(g.hasNode("model.6.m.3.cv1.conv"));
    assertTrue(g.hasNode("model.8.m.0.add"));
    // the neck's C3 blocks have no shortcut
    assertFalse(g.hasNode("model.13.m.0.add"));
    // SPPF: three chained pools, all four maps concatenated
    assertEquals(List.of("model.9.cv1.act", "model.9.m.0", "model.9.m.1", "model.9.m.2"), g.node("model.9.cat").inputs());
    assertEquals(TensorShape.of(1024, 2, 2), g.shape("model.9.cat"));
    assertEquals(List.of("model.11", "model.6.cv3.act"), g.node("model.12").inputs());
    assertEquals(List.of("model.21.act", "model.10.act"), g.node("model.22").inputs());
  }

  @Test
  void rejectsInputNotAMultipleOf32NamingTheField() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Zoo.build(ModelSpec.builder().setArch("yolov5s-backbone").optInputShape(3, 100, 96).build()));
    assertTrue(e.getMessage().startsWith("inputShape: height and width must be multiples of 32"), e.getMessage());
  }

  @Test
  void backboneTakesNoClassCount() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder().setArch("yolov5s-backbone").optNumClasses(80).build());
    assertEquals("numClasses does not apply to arch 'yolov5s-backbone' (it accepts: inputShape)", e.getMessage());
  }
}
