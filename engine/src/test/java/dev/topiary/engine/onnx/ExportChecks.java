package dev.topiary.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.ModelFixtures;
import java.util.List;
import java.util.Map;

/** Runs exported bytes in ONNX Runtime and holds them against the IR: names, shapes, DJL's values. */
final class ExportChecks {
  /** Largest accepted max |ORT - DJL| / max(1, max |DJL|) per output; float32 rounding gives about 1e-6. */
  static final double TOLERANCE = 1e-4;
  static final int BATCH = 2;

  private ExportChecks() {}

  /** ORT's outputs for a seeded batch of {@link #BATCH}, after checking their names, order and shapes. */
  static Map<String, OrtSessions.Output> ortOutputs(Graph g, byte[] onnx, float[] x) throws OrtException {
    Map<String, OrtSessions.Output> actual;
    try (OrtSession s = OrtSessions.open(onnx, 2)) {
      actual = OrtSessions.run(s, x, g.inputs().get(0).shape().withBatch(BATCH).getShape());
    }
    assertEquals(g.outputs(), List.copyOf(actual.keySet()), g.name() + ": output names");
    for (String out : g.outputs()) {
      assertArrayEquals(g.shape(out).withBatch(BATCH).getShape(), actual.get(out).shape(), g.name() + ": shape of " + out);
    }
    return actual;
  }

  /** The largest relative difference between ORT on the bytes and DJL on the model, over the outputs. */
  static double ortVersusDjl(Model model, byte[] onnx) throws OrtException {
    float[] x = ModelFixtures.input(model.graph(), BATCH, 17);
    Map<String, float[]> expected = ModelFixtures.djlOutputs(model, x, BATCH);
    Map<String, OrtSessions.Output> actual = ortOutputs(model.graph(), onnx, x);
    double worst = 0;
    for (String out : model.graph().outputs()) {
      worst = Math.max(worst, ModelFixtures.relativeDifference(expected.get(out), actual.get(out).data()));
    }
    return worst;
  }
}
