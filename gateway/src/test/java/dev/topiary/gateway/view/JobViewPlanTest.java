package dev.topiary.gateway.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Fixtures;
import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.Submission;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Where a job's plan comes from in the view: the submitter's own copy, else the store; a failed
 * store read is mended by the submission's other copy (CI once saw the kinds stay unknown).
 */
class JobViewPlanTest {
  private static final String JOB = "plan-test-job";

  @Test
  void theSubmitterPlanNeedsNoStoreReadAndTheTailCopyIsADuplicate() {
    AtomicInteger reads = new AtomicInteger();
    JobView view = new JobView(ref -> {
      reads.incrementAndGet();
      throw new IllegalStateException("the store is not asked");
    });
    JobPlan plan = plan();
    JobSubmitted event = submitted(plan);
    assertTrue(view.apply(event, EventCodec.toJson(event), plan));
    assertFalse(view.accept(EventCodec.toBytes(event)), "the tail's copy is a duplicate");
    assertEquals(0, reads.get(), "the plan was known: no store read for either copy");
    assertEquals("train-baseline", firstKind(view));
  }

  @Test
  void aFailedPlanReadIsMendedByTheOtherCopyOfTheSubmission() {
    AtomicInteger reads = new AtomicInteger();
    JobPlan plan = plan();
    Function<ArtifactRef, JobPlan> flaky = ref -> {
      if (reads.incrementAndGet() == 1) {
        throw new IllegalStateException("connection reset");
      }
      return plan;
    };
    JobView view = new JobView(flaky);
    JobSubmitted event = submitted(plan);
    assertTrue(view.accept(EventCodec.toBytes(event)));
    assertNull(firstKind(view), "the read failed: kinds unknown");
    assertFalse(view.accept(EventCodec.toBytes(event)), "a duplicate changes nothing else");
    assertEquals(2, reads.get());
    assertEquals("train-baseline", firstKind(view));
    assertFalse(view.accept(EventCodec.toBytes(event)));
    assertEquals(2, reads.get(), "a known plan is not read again");
  }

  @Test
  void aPlanUnreadAtReplayIsReadAgainByTheRetry() {
    AtomicInteger reads = new AtomicInteger();
    JobPlan plan = plan();
    JobView view = new JobView(ref -> {
      if (reads.incrementAndGet() == 1) {
        throw new IllegalStateException("store down");
      }
      return plan;
    });
    JobSubmitted event = submitted(plan);
    assertTrue(view.accept(EventCodec.toBytes(event)), "a restart's replay: the only copy");
    assertNull(firstKind(view), "a request does not read the store");
    assertEquals(1, reads.get());
    assertTrue(view.retryOneUnreadPlan());
    assertEquals("train-baseline", firstKind(view));
    assertEquals(2, reads.get());
    assertFalse(view.retryOneUnreadPlan(), "nothing left to read");
    assertEquals(2, reads.get(), "a known plan is not read again");
  }

  @Test
  void theSubmitterCopyMendsATailCopyThatCameFirstWithoutItsPlan() {
    JobView view = new JobView(ref -> {
      throw new IllegalStateException("connection reset");
    });
    JobPlan plan = plan();
    JobSubmitted event = submitted(plan);
    assertTrue(view.accept(EventCodec.toBytes(event)));
    assertFalse(view.apply(event, EventCodec.toJson(event), plan));
    assertEquals("train-baseline", firstKind(view));
    assertEquals(1, view.find("acme", JOB).orElseThrow().subscribe(e -> {}).size(), "one submission on the job's stream");
  }

  private static String firstKind(JobView view) {
    return view.find("acme", JOB).orElseThrow().details().timeline().get(0).kind();
  }

  private static JobPlan plan() {
    // the store is only handed over: compiling a plan reads and writes nothing
    try (ArtifactStore store = ArtifactStore.builder().setEndpoint("http://127.0.0.1:1").setAccessKey("k").setSecretKey("s")
        .setBucket("topiary").build()) {
      return Submission.builder().setStore(store).setJobId(JOB)
          .setSpec(JobSpecs.parse(Fixtures.lenetSpecYaml("plan-test"), JobSpecs.Format.YAML)).build().plan();
    }
  }

  private static JobSubmitted submitted(JobPlan plan) {
    ArtifactRef ref = new ArtifactRef("topiary", "jobs/" + JOB + "/plan.json", "0".repeat(64), 100);
    return new JobSubmitted(JOB, 0, 1, Instant.parse("2026-11-22T10:00:00Z"), "plan-test", plan.steps().size(), ref, Artifacts.NONE,
        "acme", null);
  }
}
