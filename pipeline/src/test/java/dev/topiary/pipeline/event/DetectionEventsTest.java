package dev.topiary.pipeline.event;

import static dev.topiary.pipeline.event.Fixtures.MODEL;
import static dev.topiary.pipeline.event.Fixtures.PLAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The detection additions to EpochTuned and ModelEvaluated: round trips, and classification records written and read as before. */
class DetectionEventsTest {
  private static final Instant AT = Instant.parse("2026-03-01T09:00:00Z");

  static DetectionFigures figures() {
    List<Double> curve = new ArrayList<>(Collections.nCopies(DetectionFigures.PR_POINTS, 0.5));
    curve.set(0, 1.0);
    DetectionFigures.GammaBins gamma = new DetectionFigures.GammaBins(2.0, 0.25, List.of(
        new DetectionFigures.GammaBins.Series("before sparsity training", 3, List.of(0, 1, 2)),
        new DetectionFigures.GammaBins.Series("after sparsity training", 3, List.of(2, 1, 0))));
    return new DetectionFigures(0.61, 0.52, 0.48, 0.27, List.of(new DetectionFigures.ClassAp("T-shirt/top", 12, 0.5, 0.3),
        new DetectionFigures.ClassAp("Trouser", 0, 0, 0)), curve, gamma);
  }

  @Test
  void aDetectorsEvaluationRoundTripsWithoutTop1() {
    ModelEvaluated e = new ModelEvaluated("det-job", 4, 1, AT, PLAN, Artifacts.of(MODEL), null, null, null, 1_800_000, 20_000_000, 7_000_000,
        6_500_000, List.of(new ModelEvaluated.Latency("cpu", "djl", 1, 3.5, 4.0)), figures());
    String json = EventCodec.toJson(e);
    assertFalse(json.contains("top1"), json);
    assertTrue(json.contains("\"map5095\":0.27"), json);
    ModelEvaluated back = EventCodec.fromJson(json, ModelEvaluated.class);
    assertEquals(e, back);
    assertTrue(back.detects());
    assertEquals("after sparsity training", back.detection().gamma().series().get(1).label());
  }

  @Test
  void aClassifiersEvaluationIsWrittenAsBefore() {
    ModelEvaluated e = Fixtures.modelEvaluated();
    String json = EventCodec.toJson(e);
    assertFalse(json.contains("detection"), json);
    assertEquals(e, EventCodec.fromJson(json, ModelEvaluated.class));
    assertFalse(e.detects());
  }

  @Test
  void refusesAnEvaluationWithNeitherTop1NorDetection() {
    String json = EventCodec.toJson(Fixtures.modelEvaluated()).replaceFirst("\"top1\":[0-9.]+,", "");
    EventFormatException x = assertThrows(EventFormatException.class, () -> EventCodec.fromJson(json));
    assertEquals("top1", x.field(), x.getMessage());
  }

  @Test
  void refusesAPrCurveOfTheWrongLength() {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> new DetectionFigures(0.5, 0.5, 0.5, 0.3, List.of(),
        List.of(1.0, 0.5), null));
    assertTrue(x.getMessage().startsWith("prCurve50: expected 101 points"), x.getMessage());
  }

  @Test
  void refusesGammaCountsThatDoNotSumToTheChannels() {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
        () -> new DetectionFigures.GammaBins.Series("baseline", 4, List.of(1, 2)));
    assertTrue(x.getMessage().startsWith("counts: must be non-empty and sum to channels (4), got 3"), x.getMessage());
  }

  @Test
  void aDetectorsEpochCarriesTheLossPartsAndMapAndNoAccuracy() {
    EpochTuned t = EpochTuned.detection("det-job", 3, 1, AT, PLAN, Artifacts.of(MODEL), 2, 2, 0.05, 0.03, 0.02, 0.4, 0.2, 0.001);
    assertEquals(0.1, t.trainLoss(), 1e-12, "trainLoss is box + obj + cls");
    assertNull(t.trainAccuracy());
    String json = EventCodec.toJson(t);
    assertFalse(json.contains("trainAccuracy"), json);
    assertFalse(json.contains("\"detects\""), "a derived flag, not a field: " + json);
    EpochTuned back = EventCodec.fromJson(json, EpochTuned.class);
    assertEquals(t, back);
    assertTrue(back.detects());
    assertEquals(0.4, back.map50());
  }

  @Test
  void aClassifiersEpochStillNeedsNothingNew() {
    EpochTuned t = Fixtures.epochTuned();
    String json = EventCodec.toJson(t);
    assertFalse(json.contains("boxLoss"), json);
    EpochTuned back = EventCodec.fromJson(json, EpochTuned.class);
    assertEquals(t, back);
    assertFalse(back.detects());
  }

  @Test
  void refusesANegativeLossPart() {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
        () -> EpochTuned.detection("det-job", 3, 1, AT, PLAN, Artifacts.of(MODEL), 1, 2, 0.05, -0.03, 0.02, null, null, 0.001));
    assertEquals("objLoss: must be a finite number >= 0, got -0.03", x.getMessage());
  }
}
