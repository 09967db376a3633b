package dev.topiary.engine.prune.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparsityScheduleTest {

  @Test
  void agpFollowsTheCubicAtItsUpdateEpochs() {
    // 0 -> 0.8 from epoch 2 to 10 every 2 epochs: n = 4 steps
    SparsitySchedule s = SparsitySchedule.agp(0, 0.8, 2, 10, 2);
    assertEquals(0, s.sparsity(0));
    assertEquals(0, s.sparsity(1));
    assertEquals(0, s.sparsity(2), 1e-12);
    assertEquals(0.8 - 0.8 * Math.pow(0.75, 3), s.sparsity(4), 1e-12); // 0.4625
    assertEquals(0.4625, s.sparsity(5), 1e-12, "held between updates");
    assertEquals(0.8 - 0.8 * 0.125, s.sparsity(6), 1e-12); // 0.7
    assertEquals(0.8 - 0.8 / 64, s.sparsity(8), 1e-12); // 0.7875
    assertEquals(0.8, s.sparsity(10));
    assertEquals(0.8, s.sparsity(50));
    assertEquals(0.3 + (0.9 - 0.3) * (1 - 0.125), SparsitySchedule.agp(0.3, 0.9, 0, 4, 2).sparsity(2), 1e-12, "from a non-zero initial value");
    assertMonotoneAndEndsAt(s, 0.8, 10);
  }

  @Test
  void agpReachesTheTargetAtTheEndEvenWhenTheIntervalDoesNotDivideTheSpan() {
    SparsitySchedule s = SparsitySchedule.agp(0, 0.5, 0, 7, 3);
    assertEquals(s.sparsity(3), s.sparsity(5));
    assertEquals(0.5 - 0.5 * Math.pow(1 - 6 / 7.0, 3), s.sparsity(6), 1e-12);
    assertEquals(0.5, s.sparsity(7));
    assertMonotoneAndEndsAt(s, 0.5, 7);
  }

  @Test
  void paddleLogCurveMatchesPaddlesDynamicPruningHook() {
    // Paddle's defaults: interval_pass 3, end_pass 60, bound 0.8: ratio = 0.8 / ln(22) * ln(2 + pass / 3)
    SparsitySchedule s = SparsitySchedule.paddleDynamic(0.8, 3, 60);
    assertEquals(0.8 * Math.log(2) / Math.log(22), s.sparsity(0), 1e-12); // 0.17938...
    assertEquals(0.179395, s.sparsity(0), 1e-6);
    assertEquals(s.sparsity(0), s.sparsity(2), "held until the next pass multiple of 3");
    assertEquals(0.8 * Math.log(3) / Math.log(22), s.sparsity(3), 1e-12);
    assertEquals(0.8 * Math.log(12) / Math.log(22), s.sparsity(31), 1e-12); // last update at 30: k = 10
    assertEquals(0.8 * Math.log(21) / Math.log(22), s.sparsity(59), 1e-12);
    assertEquals(0.8, s.sparsity(60), 1e-12);
    assertEquals(0.8, s.sparsity(100), 1e-12);
    assertTrue(s.sparsity(15) - s.sparsity(0) > s.sparsity(60) - s.sparsity(45), "steep first, flat later");
    assertMonotoneAndEndsAt(s, 0.8, 60);
    SparsitySchedule shifted = SparsitySchedule.paddleLog(0.2, 0.9, 4, 12, 2); // n = 4
    assertEquals(0, shifted.sparsity(3));
    assertEquals(0.2 + 0.7 * Math.log(2) / Math.log(6), shifted.sparsity(4), 1e-12);
    assertEquals(0.2 + 0.7 * Math.log(4) / Math.log(6), shifted.sparsity(9), 1e-12);
    assertMonotoneAndEndsAt(shifted, 0.9, 12);
  }

  @Test
  void paddleSlimGmpIsTheCubicWithPaddleSlimsStepBookkeeping() {
    // PaddleSlim: period = int(30 / 5) = 6; stable_steps = int(12 / 30 * 5) = 2; ratios_stack =
    // [0, 0] + [((i / 5) - 1)^3 + 1 scaled to 0.1..0.7 for i in 0..4] + [0.7] * tuning; epoch t
    // uses stack[t / 6], and 0.7 once the stack is exhausted.
    List<Double> stack = new ArrayList<>(List.of(0.0, 0.0));
    for (int i = 0; i < 5; i++) {
      stack.add((Math.pow(i / 5.0 - 1, 3) + 1) * (0.7 - 0.1) + 0.1);
    }
    SparsitySchedule s = SparsitySchedule.paddleSlimGmp(0.1, 0.7, 12, 30, 5);
    for (int t = 0; t < 60; t++) {
      double expected = t / 6 < stack.size() ? stack.get(t / 6) : 0.7;
      assertEquals(expected, s.sparsity(t), 1e-12, "epoch " + t);
    }
  }

  @Test
  void stagesHoldOneSparsityPerStageThenTheLast() {
    SparsitySchedule s = SparsitySchedule.stages(List.of(0.3, 0.5, 0.8), 2);
    assertEquals(List.of(0.3, 0.3, 0.5, 0.5, 0.8, 0.8, 0.8), List.of(s.sparsity(0), s.sparsity(1), s.sparsity(2), s.sparsity(3), s.sparsity(4), s.sparsity(5), s.sparsity(9)));
  }

  @Test
  void rejectsInvalidArgumentsNamingTheField() {
    assertField("target", () -> SparsitySchedule.agp(0, 1.0, 0, 10, 1));
    assertField("target", () -> SparsitySchedule.agp(0.5, 0.4, 0, 10, 1));
    assertField("initial", () -> SparsitySchedule.paddleLog(-0.1, 0.5, 0, 10, 1));
    assertField("endEpoch", () -> SparsitySchedule.agp(0, 0.5, 5, 5, 1));
    assertField("startEpoch", () -> SparsitySchedule.agp(0, 0.5, -1, 5, 1));
    assertField("interval", () -> SparsitySchedule.paddleLog(0, 0.5, 0, 10, 0));
    assertField("epoch", () -> SparsitySchedule.agp(0, 0.5, 0, 10, 1).sparsity(-1));
    assertField("sparsities", () -> SparsitySchedule.stages(List.of(0.5, 0.3), 1));
    assertField("sparsities[1]", () -> SparsitySchedule.stages(List.of(0.5, 1.0), 1));
    assertField("epochsPerStage", () -> SparsitySchedule.stages(List.of(0.5), 0));
    assertField("pruningEpochs", () -> SparsitySchedule.paddleSlimGmp(0, 0.5, 0, 3, 5));
  }

  private static void assertMonotoneAndEndsAt(SparsitySchedule s, double target, int end) {
    for (int e = 1; e < end + 20; e++) {
      assertTrue(s.sparsity(e) >= s.sparsity(e - 1), "epoch " + e + " decreases");
      assertTrue(s.sparsity(e) <= target + 1e-12);
    }
    assertTrue(s.sparsity(end - 1) < target);
    for (int e = end; e < end + 20; e++) {
      assertEquals(target, s.sparsity(e), 1e-12, "epoch " + e);
    }
  }

  private static void assertField(String field, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().startsWith(field + ":"), e.getMessage());
  }
}
