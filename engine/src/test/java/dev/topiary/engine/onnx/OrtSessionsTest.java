package dev.topiary.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.topiary.engine.graph.Add;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.measure.LatencyBench;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.ModelFixtures;
import dev.topiary.engine.weights.Weights;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrtSessionsTest {
  private static final Model MODEL = ModelFixtures.randomised(OnnxExporterTest.coverage(), 4);
  private static final byte[] ONNX = OnnxExporter.builder().build().toBytes(MODEL);

  @Test
  void latencyGivesPositiveFiguresPerBatchSize() throws OrtException {
    List<LatencyBench.Result> results;
    try (OrtSession s = OrtSessions.open(ONNX, 1)) {
      results = OrtSessions.latency(s, new LatencyBench(1, 3), new int[] {3, 9, 9}, new int[] {1, 4});
    }
    assertEquals(List.of(1, 4), results.stream().map(LatencyBench.Result::batchSize).toList());
    for (LatencyBench.Result r : results) {
      assertEquals(3, r.runs());
      assertTrue(r.minMs() > 0, "min " + r.minMs());
      assertTrue(r.medianMs() >= r.minMs() && r.p90Ms() >= r.medianMs(), r.toString());
      assertTrue(r.imagesPerSecond() > 0);
    }
  }

  @Test
  void runReturnsEveryOutputByNameWithItsShape() throws OrtException {
    float[] x = ModelFixtures.input(MODEL.graph(), 3, 1);
    Map<String, OrtSessions.Output> out;
    try (OrtSession s = OrtSessions.open(ONNX)) { // libtorch's thread count
      out = OrtSessions.run(s, x, new long[] {3, 3, 9, 9});
    }
    assertEquals(List.of("logits", "fc2"), List.copyOf(out.keySet()));
    assertArrayEquals(new long[] {3, 6}, out.get("logits").shape());
    assertArrayEquals(new long[] {3, 5}, out.get("fc2").shape());
    assertEquals(18, out.get("logits").data().length);
    Map<String, float[]> djl = ModelFixtures.djlOutputs(MODEL, x, 3);
    assertTrue(ModelFixtures.relativeDifference(djl.get("fc2"), out.get("fc2").data()) <= ExportChecks.TOLERANCE);
  }

  @Test
  void rejectsValuesThatDoNotFillTheShape() throws OrtException {
    try (OrtSession s = OrtSessions.open(ONNX, 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> OrtSessions.run(s, new float[10], new long[] {1, 3, 9, 9}));
      assertTrue(e.getMessage().contains("243"), e.getMessage());
    }
  }

  @Test
  void refusesAModelWithSeveralInputs() throws OrtException {
    GraphBuilder b = Graph.builder("two");
    b.input("a", 2, 3, 3);
    b.input("b", 2, 3, 3);
    b.add("sum", new Add(), "a", "b");
    Model model = new Model(b.output("sum").build(), new Weights());
    try (OrtSession s = OrtSessions.open(OnnxExporter.builder().build().toBytes(model), 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> OrtSessions.run(s, new float[18], new long[] {1, 2, 3, 3}));
      assertTrue(e.getMessage().contains("2 inputs"), e.getMessage());
    }
  }

  @Test
  void rejectsANegativeThreadCount() {
    assertThrows(IllegalArgumentException.class, () -> OrtSessions.open(ONNX, -1));
  }
}
