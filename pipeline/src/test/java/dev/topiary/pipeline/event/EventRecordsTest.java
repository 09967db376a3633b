package dev.topiary.pipeline.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventRecordsTest {
  @Test
  void aStepEventAfterTheSubmissionNeedsAModel() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RankComputed(Fixtures.JOB, 3, 1,
        Fixtures.at("2026-03-01T09:00:00Z"), Fixtures.PLAN, Artifacts.NONE.withScores(Fixtures.SCORES), "l1", 3));
    assertEquals("artifacts.model: required after a step has run", e.getMessage());
  }

  @Test
  void rankComputedCarriesItsScores() {
    assertEquals(Fixtures.SCORES, Fixtures.rankComputed().scores());
    assertThrows(IllegalArgumentException.class, () -> new RankComputed(Fixtures.JOB, 3, 1, Fixtures.at("2026-03-01T09:00:00Z"),
        Fixtures.PLAN, Artifacts.of(Fixtures.MODEL), "l1", 3));
  }

  @Test
  void aSubmissionIsStepZero() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JobSubmitted(Fixtures.JOB, 1, 1,
        Fixtures.at("2026-03-01T09:00:00Z"), "n", 3, Fixtures.PLAN, Artifacts.NONE));
    assertTrue(e.getMessage().startsWith("stepIndex:"));
  }

  @Test
  void onlyTheLastEpochEndsTheStep() {
    EpochTuned first = new EpochTuned(Fixtures.JOB, 5, 1, Fixtures.at("2026-03-01T09:00:00Z"), Fixtures.PLAN, Fixtures.AFTER_RANK,
        1, 3, 1.0, 0.5, null, null, 0.1, null);
    assertFalse(first.endsStep());
    assertTrue(Fixtures.epochTuned().endsStep());
    assertThrows(IllegalArgumentException.class, () -> new EpochTuned(Fixtures.JOB, 5, 1, Fixtures.at("2026-03-01T09:00:00Z"),
        Fixtures.PLAN, Fixtures.AFTER_RANK, 4, 3, 1.0, 0.5, null, null, 0.1, null));
  }

  @Test
  void onlyTheEpochThatEndsTheStepMustCarryAModel() {
    EpochTuned progress = new EpochTuned(Fixtures.JOB, 5, 1, Fixtures.at("2026-03-01T09:00:00Z"), Fixtures.PLAN, Artifacts.NONE,
        1, 3, 1.0, 0.5, null, null, 0.1, null);
    assertFalse(progress.endsStep());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EpochTuned(Fixtures.JOB, 5, 1,
        Fixtures.at("2026-03-01T09:00:00Z"), Fixtures.PLAN, Artifacts.NONE, 3, 3, 1.0, 0.5, null, null, 0.1, null));
    assertEquals("artifacts.model: required after a step has run", e.getMessage());
  }

  @Test
  void sparsityNeedsMasks() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LayerPruned(Fixtures.JOB, 2, 1,
        Fixtures.at("2026-03-01T09:00:00Z"), Fixtures.PLAN, Artifacts.of(Fixtures.MODEL), List.of(), 1, 1, 0.5));
    assertEquals("artifacts.masks: required when sparsity is given", e.getMessage());
  }

  @Test
  void jobIdsAreKeySafe() {
    assertTrue(JobIds.isValid("0f3c9a52-2b1e-4d8a-9c71-5e0d4f6a7b21"));
    for (String bad : List.of("", "../x", "a/b", "UPPER", "-lead", "a".repeat(64))) {
      assertFalse(JobIds.isValid(bad), bad);
    }
  }

  @Test
  void everyEventTypeHasOneDistinctVersionedTopic() {
    List<String> topics = Topics.eventTopics();
    assertEquals(EventType.values().length, new HashSet<>(topics).size());
    List<String> all = new ArrayList<>(Topics.all());
    assertEquals(all.size(), new HashSet<>(all).size());
    assertTrue(all.containsAll(List.of(Topics.DEAD_LETTER, Topics.JOB_REQUESTS, Topics.JOB_REJECTED)));
    for (EventType t : EventType.values()) {
      assertTrue(Topics.of(t).endsWith(".v" + t.version()), Topics.of(t));
      assertEquals(t, EventType.byName(t.jsonName()).orElseThrow());
      assertEquals(t.recordClass().getSimpleName(), t.jsonName());
    }
    assertEquals(Topics.LAYER_PRUNED, Topics.of(Fixtures.layerPruned()));
  }

  @Test
  void eachStageEndsItsStepsWithOneEventType() {
    assertEquals(EventType.RANK_COMPUTED, Stage.RANK.completion());
    assertEquals(EventType.LAYER_PRUNED, Stage.PRUNE.completion());
    assertEquals(EventType.EPOCH_TUNED, Stage.FINETUNE.completion());
    assertEquals(EventType.MODEL_EVALUATED, Stage.EVAL.completion());
    assertEquals(Stage.FINETUNE, Stage.of("finetune"));
    assertThrows(IllegalArgumentException.class, () -> Stage.of("gateway"));
  }
}
