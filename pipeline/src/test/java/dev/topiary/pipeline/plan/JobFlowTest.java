package dev.topiary.pipeline.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.IdempotencyKey;
import dev.topiary.pipeline.event.JobCancelled;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.event.Stage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class JobFlowTest {
  static final List<String> SPECS = Specs.ALL;

  /**
   * Four stage services, each with its own set of idempotency keys, see every event (delivered at
   * least once: some twice, at random) and run a step when JobFlow names one of theirs.
   */
  @ParameterizedTest
  @FieldSource("SPECS")
  void servicesReachTheFinalEvaluationExactlyOnceDespiteDuplicates(String spec) {
    JobPlan plan = Specs.plan(spec);
    Map<Stage, Set<IdempotencyKey>> done = new EnumMap<>(Stage.class);
    for (Stage s : Stage.values()) {
      done.put(s, new HashSet<>());
    }
    List<Integer> ran = new ArrayList<>();
    int finished = 0;
    Random random = new Random(42);
    Deque<PipelineEvent> bus = new ArrayDeque<>(List.of(StageSimulator.submitted(plan)));
    while (!bus.isEmpty()) {
      PipelineEvent e = bus.poll();
      if (random.nextInt(4) == 0) {
        bus.addFirst(e); // redelivered
      }
      if (JobFlow.finishesJob(plan, e)) {
        finished++;
      }
      for (Stage stage : Stage.values()) {
        Optional<PlanStep> next = JobFlow.nextFor(stage, plan, e);
        if (next.isPresent() && done.get(stage).add(IdempotencyKey.firstAttempt(e.jobId(), next.get().index()))) {
          assertTrue(!(e instanceof EpochTuned t) || t.endsStep(), "a step starts only after the previous one's last epoch");
          ran.add(next.get().index());
          bus.addAll(StageSimulator.emit(plan, next.get(), 1));
        }
      }
    }
    List<Integer> expected = plan.steps().stream().map(PlanStep::index).toList();
    assertEquals(expected, ran, "each step once, in order");
    assertTrue(finished >= 1, "the final evaluation's event finishes the job");
    long finalEvals = ran.stream().filter(i -> plan.step(i) instanceof PlanStep.Evaluate ev && !ev.baseline()).count();
    assertEquals(1, finalEvals);
  }

  @Test
  void submissionStartsStepOneAndEachCompletionTheNext() {
    JobPlan plan = Specs.plan("resnet20-l1-oneshot.yaml");
    assertEquals(plan.step(1), JobFlow.next(plan, StageSimulator.submitted(plan)).orElseThrow());
    PlanStep rank = plan.step(2);
    RankComputed ranked = (RankComputed) StageSimulator.emit(plan, rank, 1).get(0);
    assertEquals(new PlanStep.Prune(3), JobFlow.next(plan, ranked).orElseThrow());
    assertEquals(Optional.of(new PlanStep.Prune(3)), JobFlow.nextFor(Stage.PRUNE, plan, ranked));
    assertEquals(Optional.empty(), JobFlow.nextFor(Stage.RANK, plan, ranked));
    assertTrue(JobFlow.isMine(Stage.PRUNE, plan.step(3)));
    assertFalse(JobFlow.isMine(Stage.FINETUNE, plan.step(3)));
  }

  @Test
  void aDuplicateEventNamesTheSameNextStep() {
    JobPlan plan = Specs.plan("resnet56-hrank-layerwise.yaml");
    PipelineEvent pruned = StageSimulator.emit(plan, plan.step(4), 1).get(0);
    Optional<PlanStep> first = JobFlow.next(plan, pruned);
    assertEquals(first, JobFlow.next(plan, pruned));
    assertEquals(new PlanStep.Finetune(5, ((PlanStep.Finetune) plan.step(5)).fit()), first.orElseThrow());
    PipelineEvent retried = StageSimulator.emit(plan, plan.step(4), 2).get(0);
    assertEquals(first, JobFlow.next(plan, retried), "a retry's event leads to the same step, attempt 1 of it");
  }

  @Test
  void onlyTheLastEpochEndsATuningStep() {
    JobPlan plan = Specs.plan("resnet56-hrank-layerwise.yaml");
    PlanStep finalTune = plan.step(plan.steps().size() - 1);
    List<PipelineEvent> epochs = StageSimulator.emit(plan, finalTune, 1);
    assertEquals(10, epochs.size());
    for (PipelineEvent e : epochs.subList(0, 9)) {
      assertEquals(OptionalInt.empty(), JobFlow.completedStep(plan, e));
      assertEquals(Optional.empty(), JobFlow.next(plan, e));
    }
    assertEquals(plan.lastStep(), JobFlow.next(plan, epochs.get(9)).orElseThrow());
  }

  @Test
  void theFinalEvaluationEndsTheJob() {
    JobPlan plan = Specs.plan("resnet20-nm-oneshot.yaml");
    PipelineEvent last = StageSimulator.emit(plan, plan.lastStep(), 1).get(0);
    assertEquals(Optional.empty(), JobFlow.next(plan, last));
    assertTrue(JobFlow.finishesJob(plan, last));
    PipelineEvent baseline = StageSimulator.emit(plan, plan.step(1), 1).get(0);
    assertFalse(JobFlow.finishesJob(plan, baseline));
    assertEquals(new PlanStep.NmMask(2), JobFlow.next(plan, baseline).orElseThrow());
  }

  @Test
  void failureAndCancellationStartNothing() {
    JobPlan plan = Specs.plan("resnet20-l1-oneshot.yaml");
    JobFailed failed = new JobFailed("job-1", 3, 3, StageSimulator.T, Stage.PRUNE, "InvalidPruningConfigException", "group conv1: ...");
    JobCancelled cancelled = new JobCancelled("job-1", 2, 1, StageSimulator.T, "user asked", null);
    for (PipelineEvent e : List.of(failed, cancelled)) {
      assertEquals(Optional.empty(), JobFlow.next(plan, e));
      for (Stage s : Stage.values()) {
        assertEquals(Optional.empty(), JobFlow.nextFor(s, plan, e));
      }
      assertFalse(JobFlow.finishesJob(plan, e));
    }
  }

  @Test
  void refusesEventsThatContradictThePlan() {
    JobPlan plan = Specs.plan("resnet20-l1-oneshot.yaml");
    PipelineEvent ranked = StageSimulator.emit(plan, plan.step(2), 1).get(0);
    RankComputed atPruneStep = new RankComputed("job-1", 3, 1, StageSimulator.T, StageSimulator.PLAN, StageSimulator.after(plan.step(3)), "l1", 3);
    IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, () -> JobFlow.next(plan, atPruneStep));
    assertEquals("type: RankComputed cannot report on step 3 (prune, stage prune), which ends with LayerPruned", wrongType.getMessage());

    RankComputed otherJob = new RankComputed("job-2", 2, 1, StageSimulator.T, StageSimulator.PLAN, StageSimulator.after(plan.step(2)), "l1", 3);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> JobFlow.next(plan, otherJob)).getMessage().startsWith("jobId:"));

    LayerPruned beyond = new LayerPruned("job-1", 9, 1, StageSimulator.T, StageSimulator.PLAN, StageSimulator.after(plan.step(3)), List.of(), 1, 1, null);
    assertEquals("stepIndex: the plan of job job-1 has steps 1 to 5, got 9",
        assertThrows(IllegalArgumentException.class, () -> JobFlow.next(plan, beyond)).getMessage());

    EpochTuned tooMany = new EpochTuned("job-1", 4, 1, StageSimulator.T, StageSimulator.PLAN, StageSimulator.after(plan.step(4)),
        3, 3, 0.1, 0.9, null, null, 0.01, null);
    assertEquals("epochs: EpochTuned says step 4 has 3 epochs; the plan says 2",
        assertThrows(IllegalArgumentException.class, () -> JobFlow.next(plan, tooMany)).getMessage());
    assertEquals(Optional.of(plan.step(3)), JobFlow.next(plan, ranked));
  }
}
