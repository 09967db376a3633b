package dev.topiary.engine.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class LrScheduleTest {

  @Test
  void multiStepDecaysAtEachMilestone() {
    LrSchedule s = LrSchedule.multiStep(0.1, List.of(2, 5), 0.1);
    assertEquals(0.1, s.lr(0), 1e-15);
    assertEquals(0.1, s.lr(1), 1e-15);
    assertEquals(0.01, s.lr(2), 1e-15);
    assertEquals(0.01, s.lr(4), 1e-15);
    assertEquals(0.001, s.lr(5), 1e-15);
    assertEquals(0.001, s.lr(100), 1e-15);
  }

  @Test
  void cosineFollowsTorchClosedFormDownToEtaMin() {
    LrSchedule s = LrSchedule.cosine(0.1, 10, 0.001);
    assertEquals(0.1, s.lr(0), 1e-15);
    assertEquals(0.001 + 0.099 * 0.5, s.lr(5), 1e-15);
    // epoch 2: eta_min + (base - eta_min) (1 + cos(pi / 5)) / 2
    assertEquals(0.001 + 0.099 * (1 + 0.8090169943749475) / 2, s.lr(2), 1e-15);
    assertEquals(0.001, s.lr(10), 1e-15);
  }

  @Test
  void warmupRampsLinearlyThenShiftsTheMainSchedule() {
    LrSchedule s = LrSchedule.multiStep(0.2, List.of(3), 0.5).withWarmup(4, 0.25);
    assertEquals(0.05, s.lr(0), 1e-15);
    assertEquals(0.0875, s.lr(1), 1e-15);
    assertEquals(0.1625, s.lr(3), 1e-15);
    assertEquals(0.2, s.lr(4), 1e-15);
    assertEquals(0.2, s.lr(6), 1e-15);
    assertEquals(0.1, s.lr(7), 1e-15);
  }

  @Test
  void constantIsConstant() {
    assertEquals(0.03, LrSchedule.constant(0.03).lr(42));
  }

  @Test
  void rejectsBadArgumentsNamingTheField() {
    assertMessageStarts("milestones:", () -> LrSchedule.multiStep(0.1, List.of(5, 2), 0.1));
    assertMessageStarts("tMax:", () -> LrSchedule.cosine(0.1, 0, 0));
    assertMessageStarts("etaMin:", () -> LrSchedule.cosine(0.1, 10, 0.2));
    assertMessageStarts("startFactor:", () -> LrSchedule.constant(0.1).withWarmup(3, 0));
    assertMessageStarts("lr:", () -> LrSchedule.constant(-1));
    assertMessageStarts("epoch:", () -> LrSchedule.constant(0.1).lr(-1));
  }

  private static void assertMessageStarts(String prefix, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
  }
}
