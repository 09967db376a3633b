package dev.topiary.pipeline.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A sensitivity step's {@link RankComputed}: an additive field, so schema version 1 reads both ways. */
class SensitivityEventTest {
  static final RankComputed.Sensitivity FIGURES = new RankComputed.Sensitivity(
      Fixtures.ref("jobs/0f3c9a52-job/03-rank/sensitivity.json", Fixtures.H1, 4096),
      Fixtures.ref("jobs/0f3c9a52-job/03-rank/sensitivity.svg", Fixtures.H2, 8192), 0.8125, 0.41, 3);

  @Test
  void roundTripsTheCurvesAndPlotReferences() {
    RankComputed plain = Fixtures.rankComputed();
    RankComputed analysed = new RankComputed(plain.jobId(), plain.stepIndex(), plain.attempt(), plain.occurredAt(), plain.plan(),
        plain.artifacts(), plain.criterion(), plain.groups(), FIGURES);
    String json = EventCodec.toJson(analysed);
    assertTrue(json.contains("\"schemaVersion\":1"), json);
    assertEquals(analysed, EventCodec.fromJson(json));
    assertFalse(EventCodec.toJson(plain).contains("sensitivity"), "a plain rank step's event is as before");
    assertNull(((RankComputed) EventCodec.fromJson(EventCodec.toJson(plain))).sensitivity());
  }

  @Test
  void refusesAFigureWithoutItsPlotNamingTheField() {
    String json = EventCodec.toJson(new RankComputed(Fixtures.rankComputed().jobId(), 3, 1, Fixtures.rankComputed().occurredAt(),
        Fixtures.PLAN, Fixtures.AFTER_RANK, "l1", 4, FIGURES)).replaceFirst(",\"plot\":\\{[^}]*\\}", "");
    EventFormatException e = assertThrows(EventFormatException.class, () -> EventCodec.fromJson(json));
    assertEquals("sensitivity.plot", e.field());
  }
}
