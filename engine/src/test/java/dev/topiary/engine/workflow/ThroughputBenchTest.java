package dev.topiary.engine.workflow;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import org.junit.jupiter.api.Test;

class ThroughputBenchTest {
  private static final Graph LENET = Zoo.build(ModelSpec.builder().setArch("lenet5").optInputShape(1, 28, 28).build());

  @Test
  void withoutAMinimumTimeEachTimedPhaseRunsExactlyItsIterations() {
    ThroughputBench.Result r = ThroughputBench.run(LENET, 4, new ThroughputBench.Protocol(1, 0, 3, 0), 0);
    assertEquals(3, r.trainIterations());
    assertEquals(3, r.inferIterations());
    assertEquals("lenet5", r.model());
    assertTrue(r.trainImagesPerSecond() > 0 && r.inferImagesPerSecond() > 0, r.toString());
  }

  @Test
  void aMinimumTimeAddsIterationsUntilItHasPassed() {
    double seconds = 0.3;
    ThroughputBench.Result r = ThroughputBench.run(LENET, 4, new ThroughputBench.Protocol(1, 0, 1, seconds), 0);
    // the figures are images over the phase's own time, which lasted at least `seconds`
    assertTrue(r.trainIterations() > 1 && r.inferIterations() > 1, r.toString());
    assertTrue(4.0 * r.trainIterations() / r.trainImagesPerSecond() >= seconds, r.toString());
    assertTrue(4.0 * r.inferIterations() / r.inferImagesPerSecond() >= seconds, r.toString());
  }

  @Test
  void protocolRejectsNoIterationsAndNegativeNaNOrInfiniteSeconds() {
    for (Runnable bad : new Runnable[] {
        () -> new ThroughputBench.Protocol(0, 0, 1, 0),
        () -> new ThroughputBench.Protocol(1, 0, 0, 0),
        () -> new ThroughputBench.Protocol(1, -1, 1, 0),
        () -> new ThroughputBench.Protocol(1, 0, 1, Double.NaN),
        () -> new ThroughputBench.Protocol(1, Double.POSITIVE_INFINITY, 1, 0)}) {
      var e = assertThrows(IllegalArgumentException.class, bad::run);
      assertTrue(e.getMessage().startsWith("protocol:"), e.getMessage());
    }
  }
}
