package dev.topiary.gateway.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.PipelineEvent;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A restarted gateway replays one topic per event type, and records of different topics come back
 * in any relative order: the job view must reach the state that live processing reached, whatever
 * the order. Each test folds a job's history in order, then in many seeded shuffles, every rotation
 * and reversed, and compares the answers of {@code GET /api/v1/jobs/{id}} (as JSON), the model
 * listing and the event stream's ids.
 */
class JobStateOrderTest {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private static final int SHUFFLES = 200;

  /** What a client can see of one job. */
  private record Seen(String details, String models, List<String> stream, boolean finalModel) {}

  @Test
  void aCompletedOneshotJobFoldsToTheSameStateInEveryOrder() {
    JobHistories job = JobHistories.oneshot("order-oneshot").steps(1, 6);
    JobDetails d = assertSameInEveryOrder(job);
    assertEquals("completed", d.state());
    assertEquals(6, d.stepsDone());
    assertNull(d.currentStep());
    assertEquals(List.of(1, 5, 5), d.epochs().stream().map(JobDetails.Epoch::step).toList());
    assertEquals(List.of(2, 6), d.evaluations().stream().map(JobDetails.Evaluation::step).toList());
    assertEquals(List.of("baseline", "after fine-tuning"), d.evaluations().stream().map(JobDetails.Evaluation::point).toList());
    assertEquals(JobHistories.end(6), d.updatedAt());
  }

  @Test
  void aCompletionReplayedBeforeItsSubmissionStillCompletesTheJob() {
    // issue 16: after a restart a completed job showed "running, 6 of 6 steps done"
    JobHistories job = JobHistories.oneshot("order-late-submission").steps(1, 6);
    List<PipelineEvent> replay = new ArrayList<>(job.events().subList(1, job.events().size()));
    replay.add(job.events().get(0));
    JobView view = new JobView(ref -> job.plan());
    replay.forEach(e -> view.accept(EventCodec.toBytes(e)));
    JobDetails d = view.find("acme", job.jobId()).orElseThrow().details();
    assertEquals("completed", d.state());
    assertEquals(6, d.stepsDone());
    assertNull(d.currentStep());
    assertNotNull(view.find("acme", job.jobId()).orElseThrow().finalEvaluation(), "the pruned model can be downloaded");
  }

  @Test
  void aLayerwiseJobFoldsToTheSameStateInEveryOrderWhileRunningAndOnceCompleted() {
    JobHistories job = JobHistories.layerwise("order-layerwise");
    int total = job.plan().steps().size();
    assertTrue(total >= 9, "a layerwise plan with several cuts, got " + total + " steps");
    JobDetails running = assertSameInEveryOrder(job.steps(1, total - 3));
    assertEquals("running", running.state());
    assertEquals(total - 3, running.stepsDone());
    assertEquals(total - 2, running.currentStep().index());

    JobDetails done = assertSameInEveryOrder(job.steps(total - 2, total));
    assertEquals("completed", done.state());
    assertEquals(total, done.stepsDone());
    long cuts = job.plan().steps().stream().filter(s -> s.kind().id().equals("prune-group")).count();
    assertEquals(cuts, done.cuts().size());
    assertEquals(done.cuts().stream().map(JobDetails.Cut::step).sorted().toList(), done.cuts().stream().map(JobDetails.Cut::step).toList(),
        "cuts in step order");
    assertTrue(done.channels().stream().allMatch(c -> c.after() < c.before()), "every group cut: " + done.channels());
  }

  @Test
  void aFailedJobFoldsToTheSameStateInEveryOrder() {
    JobHistories job = JobHistories.oneshot("order-failed").steps(1, 4).epochs(5, 1, 1, 1).failed(5, 1);
    JobDetails d = assertSameInEveryOrder(job);
    assertEquals("failed", d.state());
    assertEquals(4, d.stepsDone());
    assertEquals(5, d.failure().step());
    assertEquals("finetune", d.failure().stage());
    assertNull(d.currentStep());
  }

  @Test
  void aCancelledJobFoldsToTheSameStateInEveryOrderWithTheStepThatFinishedAfterTheCancel() {
    // the prune step was under way when the cancel came; its stage still published the cut
    JobHistories job = JobHistories.oneshot("order-cancelled").steps(1, 3).cancelled(3, "enough").steps(4, 4);
    JobDetails d = assertSameInEveryOrder(job);
    assertEquals("cancelled", d.state());
    assertEquals("enough", d.cancelReason());
    assertEquals(4, d.stepsDone());
    assertNull(d.failure());
    List<String> stream = seen(job, job.events()).stream();
    assertEquals("3.1.0.JobCancelled", stream.get(stream.size() - 1), "the ending closes the canonical order");
  }

  @Test
  void aRetriedStepAndRedeliveredEventsFoldOnceAsTheLatestAttemptInEveryOrder() {
    // step 4 (prune) completed twice: its consumer died before committing and the redelivery ran attempt 2;
    // step 5 (finetune, 2 epochs) lost attempt 1 after one epoch; the baseline evaluation and an epoch came twice
    JobHistories job = JobHistories.oneshot("order-retried").steps(1, 2).redelivered(2).steps(3, 4).retried(4, 2)
        .epochs(5, 1, 1, 1).epochs(5, 2, 1, 2).redelivered(7).steps(6, 6);
    JobDetails d = assertSameInEveryOrder(job);
    assertEquals("completed", d.state());
    assertEquals(List.of(1, 5, 5), d.epochs().stream().map(JobDetails.Epoch::step).toList(), "epochs of the latest attempt only");
    assertEquals(List.of(1, 2), d.epochs().subList(1, 3).stream().map(JobDetails.Epoch::epoch).toList());
    assertEquals(1, d.cuts().size(), "one cut: the latest attempt's");
    assertEquals(60_000 - 4_000 - 2, d.cuts().get(0).params());
    assertEquals(10, d.channels().get(1).after(), "conv2 after attempt 2's cut");
    assertEquals(2, d.timeline().get(3).attempt());
    assertEquals(2, d.timeline().get(4).attempt());
    assertEquals(2, d.evaluations().size());
    assertEquals(job.events().size() - 2, seen(job, job.events()).stream().size(), "the two redeliveries are not streamed");
  }

  @Test
  void theStreamListsAJobsEventsInTheOrderTheyHappened() {
    JobHistories job = JobHistories.oneshot("order-stream").steps(1, 4).epochs(5, 1, 1, 1).epochs(5, 2, 1, 2).steps(6, 6);
    List<String> ids = job.events().stream().map(e -> EventPosition.of(e).id()).toList();
    List<PipelineEvent> reversed = new ArrayList<>(job.events());
    Collections.reverse(reversed);
    assertEquals(ids, seen(job, reversed).stream(), "the canonical order is the order of a job's life");
    assertEquals("0.1.0.JobSubmitted", ids.get(0));
    assertEquals("5.2.2.EpochTuned", ids.get(ids.size() - 2));
  }

  @Test
  void aCompletionSeenBeforeAnUnreadPlanIsReadAgainWhenTheRetryReadsThePlan() {
    JobHistories job = JobHistories.oneshot("order-unread-plan").steps(1, 6);
    Seen live = seen(job, job.events());
    AtomicInteger reads = new AtomicInteger();
    JobView view = new JobView(ref -> {
      if (reads.incrementAndGet() == 1) {
        throw new IllegalStateException("store down");
      }
      return job.plan();
    });
    List<PipelineEvent> replay = new ArrayList<>(job.events());
    Collections.rotate(replay, -1); // the submission last, its plan read failing
    replay.forEach(e -> view.accept(EventCodec.toBytes(e)));
    JobDetails unread = view.find("acme", job.jobId()).orElseThrow().details();
    assertEquals("completed", unread.state(), "the submission's step count completes the job, plan or not");
    assertNull(unread.timeline().get(0).kind());
    assertNull(unread.evaluations().get(0).point());

    assertTrue(view.retryOneUnreadPlan());
    assertEquals(live, seen(view, job.jobId()), "once the plan is read, the same state as live");
  }

  /** Folds the history in order, then in every other order tried, and compares; returns the in-order details. */
  private static JobDetails assertSameInEveryOrder(JobHistories job) {
    List<PipelineEvent> events = job.events();
    Seen live = seen(job, events);
    for (Map.Entry<String, List<PipelineEvent>> order : orders(events).entrySet()) {
      assertEquals(live, seen(job, order.getValue()), job.jobId() + ", " + order.getKey());
    }
    return fold(job, events).find("acme", job.jobId()).orElseThrow().details();
  }

  /** Reversed, every rotation and {@link #SHUFFLES} seeded shuffles, by name. */
  private static Map<String, List<PipelineEvent>> orders(List<PipelineEvent> events) {
    Map<String, List<PipelineEvent>> out = new LinkedHashMap<>();
    List<PipelineEvent> reversed = new ArrayList<>(events);
    Collections.reverse(reversed);
    out.put("reversed", reversed);
    for (int r = 1; r < events.size(); r++) {
      List<PipelineEvent> rotated = new ArrayList<>(events);
      Collections.rotate(rotated, r);
      out.put("rotated by " + r, rotated);
    }
    for (int seed = 0; seed < SHUFFLES; seed++) {
      List<PipelineEvent> shuffled = new ArrayList<>(events);
      Collections.shuffle(shuffled, new Random(seed));
      out.put("shuffle seed " + seed, shuffled);
    }
    return out;
  }

  /** A fresh view fed the events as the tail feeds it (encoded records), the plan read from the "store". */
  private static JobView fold(JobHistories job, List<PipelineEvent> events) {
    JobView view = new JobView(ref -> job.plan());
    events.forEach(e -> view.accept(EventCodec.toBytes(e)));
    return view;
  }

  private static Seen seen(JobHistories job, List<PipelineEvent> events) {
    return seen(fold(job, events), job.jobId());
  }

  private static Seen seen(JobView view, String jobId) {
    JobState state = view.find("acme", jobId).orElseThrow();
    List<String> stream = state.subscribe(e -> {}).stream().map(JobState.StreamEvent::id).toList();
    try {
      return new Seen(JSON.writeValueAsString(state.details()), JSON.writeValueAsString(state.models()), stream,
          state.finalEvaluation() != null);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
