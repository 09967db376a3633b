package dev.topiary.engine.measure;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LatencyBenchTest {
  @Test
  void percentilesInterpolateLikeNumpy() {
    double[] s = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertEquals(5.5, LatencyBench.percentile(s, 0.5), 1e-12);
    assertEquals(9.1, LatencyBench.percentile(s, 0.9), 1e-12);
    LatencyBench.Result r = LatencyBench.summarise(4, new double[] {3, 1, 2});
    assertEquals(2, r.medianMs(), 1e-12);
    assertEquals(1, r.minMs(), 1e-12);
    assertEquals(2000, r.imagesPerSecond(), 1e-9);
  }

  @Test
  void runsWarmupPlusTimedCallsPerBatchSizeWithBatchedInputs() {
    AtomicInteger calls = new AtomicInteger();
    try (NDManager m = NDManager.newBaseManager()) {
      List<LatencyBench.Result> res = new LatencyBench(2, 3).run(m, new int[] {3, 4, 4}, new int[] {1, 8}, x -> {
        calls.incrementAndGet();
        assertEquals(3 * 4 * 4, x.getShape().size() / x.getShape().get(0));
        return x.sum(new int[] {1, 2, 3});
      });
      assertEquals(2, res.size());
      assertEquals(8, res.get(1).batchSize());
      assertEquals(3, res.get(0).runs());
      assertTrue(res.get(0).p90Ms() >= res.get(0).medianMs());
    }
    assertEquals(2 * (2 + 3), calls.get());
  }

  @Test
  void timesAnyRuntimesPassWithTheSameProtocol() {
    AtomicInteger calls = new AtomicInteger();
    LatencyBench.Result r = new LatencyBench(2, 5).time(4, calls::incrementAndGet);
    assertEquals(2 + 5, calls.get());
    assertEquals(4, r.batchSize());
    assertEquals(5, r.runs());
    assertTrue(r.minMs() <= r.medianMs() && r.medianMs() <= r.p90Ms());
    assertThrows(IllegalArgumentException.class, () -> new LatencyBench(0, 1).time(0, () -> { }));
  }

  @Test
  void turnsRunEveryTimingOncePerRoundInOrderAndKeepTheMediansOfTheRounds() {
    List<String> order = new java.util.ArrayList<>();
    double[][] medians = {{9, 1, 2}, {4, 4, 6}}; // [timing][round]
    AtomicInteger[] round = {new AtomicInteger(), new AtomicInteger()};
    List<LatencyBench.Timing<RuntimeException>> timings = new java.util.ArrayList<>();
    for (int t = 0; t < 2; t++) {
      final int model = t;
      timings.add(() -> {
        order.add("m" + model);
        double m = medians[model][round[model].getAndIncrement()];
        return List.of(new LatencyBench.Result(1, m, m + 1, m, m - 0.5, 10), new LatencyBench.Result(32, 10 * m, 10 * m + 3, 10 * m, 10 * m, 10));
      });
    }
    List<List<LatencyBench.Result>> out = LatencyBench.inTurns(3, timings);
    assertEquals(List.of("m0", "m1", "m0", "m1", "m0", "m1"), order, "turns alternate the models");
    LatencyBench.Result first = out.get(0).get(0);
    assertEquals(1, first.batchSize());
    assertEquals(2.0, first.medianMs(), "median of 9, 1, 2");
    assertEquals(3.0, first.p90Ms(), "median of the p90s 10, 2, 3");
    assertEquals(0.5, first.minMs(), "least minimum");
    assertEquals(30, first.runs(), "runs add up");
    assertEquals(4.0, out.get(1).get(0).medianMs());
    assertEquals(40.0, out.get(1).get(1).medianMs());
    assertEquals(43.0, out.get(1).get(1).p90Ms());
    assertThrows(IllegalArgumentException.class, () -> LatencyBench.inTurns(0, timings));
  }

  @Test
  void rejectsBadSettings() {
    assertThrows(IllegalArgumentException.class, () -> new LatencyBench(-1, 3));
    var e = assertThrows(IllegalArgumentException.class, () -> new LatencyBench(0, 0));
    assertTrue(e.getMessage().contains("runs"));
  }
}
