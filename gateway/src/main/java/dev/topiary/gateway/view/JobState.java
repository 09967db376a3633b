package dev.topiary.gateway.view;

import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.EventType;
import dev.topiary.pipeline.event.JobCancelled;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One job's state, folded from its events. Thread-safe (every method locks the instance): the
 * event tail writes while requests read. Idempotent: an event already applied (same type,
 * idempotency key and epoch: the same {@link EventPosition}) is ignored.
 *
 * <p>Invariant: the state depends on the set of events applied, never on their order. The gateway
 * replays one topic per event type at start, and records of different topics come back in any
 * relative order (a completion before its submission, an epoch before the prune step before it),
 * so every figure is kept by position and derived when read: the state is completed once the
 * submission's last step was evaluated, whichever came first; a step's figures are those of its
 * latest attempt; the job ended with the earliest of its endings (final evaluation, failure,
 * cancellation, by {@code occurredAt}), and that ending sticks. The plan, known later when its
 * read failed, only names the steps.
 */
public final class JobState {
  /** The states a job goes through; {@code SUBMITTED} until its first step event. */
  public enum Phase {
    SUBMITTED, RUNNING, COMPLETED, FAILED, CANCELLED;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean ended() {
      return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
  }

  /** An event as it travels on the stream: its {@link EventPosition#id() id}, type name and JSON. */
  public record StreamEvent(String id, String type, String json, int stepIndex) {}

  private record StepEnd(Instant at, int attempt) {}

  /** Which ending came first: by time, then a completion before a failure before a cancellation. */
  private static final Comparator<PipelineEvent> FIRST_ENDING = Comparator.comparing(PipelineEvent::occurredAt)
      .thenComparing(PipelineEvent::type).thenComparing(EventPosition::of);

  private final String jobId;
  private JobSubmitted submission;
  private Instant updatedAt;
  private JobPlan plan;
  private final TreeMap<Integer, StepEnd> stepEnds = new TreeMap<>();
  private final TreeMap<EventPosition, JobDetails.Epoch> epochs = new TreeMap<>();
  private final TreeMap<EventPosition, LayerPruned> cuts = new TreeMap<>();
  private final TreeMap<EventPosition, ModelEvaluated> evaluations = new TreeMap<>();
  private final TreeMap<EventPosition, RankComputed.Sensitivity> sensitivities = new TreeMap<>();
  private final TreeMap<EventPosition, PipelineEvent> endings = new TreeMap<>();
  private final ModelArtifacts models = new ModelArtifacts();
  private final TreeMap<EventPosition, StreamEvent> events = new TreeMap<>();
  /** Not guarded by the lock: a stream that ends unsubscribes without waiting for the tail. */
  private final List<Consumer<StreamEvent>> listeners = new CopyOnWriteArrayList<>();

  JobState(String jobId) {
    this.jobId = jobId;
  }

  public String jobId() {
    return jobId;
  }

  public synchronized String tenant() {
    return submission == null ? null : submission.tenant();
  }

  /** Whether the submission's plan is known (its step kinds show in the timeline). */
  public synchronized boolean hasPlan() {
    return plan != null;
  }

  /** Sets the plan unless it is known already; null changes nothing. */
  synchronized void fillPlan(JobPlan loaded) {
    if (plan == null && loaded != null) {
      plan = loaded;
    }
  }

  /** The state now: the first ending if there is one, else running once any step event came. */
  public synchronized Phase phase() {
    PipelineEvent first = Stream.concat(Stream.ofNullable(finalEvaluation()), endings.values().stream()).min(FIRST_ENDING).orElse(null);
    if (first instanceof ModelEvaluated) {
      return Phase.COMPLETED;
    } else if (first instanceof JobFailed) {
      return Phase.FAILED;
    } else if (first instanceof JobCancelled) {
      return Phase.CANCELLED;
    }
    return events.keySet().stream().anyMatch(p -> p.type() != EventType.JOB_SUBMITTED) ? Phase.RUNNING : Phase.SUBMITTED;
  }

  /** The final evaluation (the submission's last step, its latest attempt), whose model is the job's result; null before. */
  public synchronized ModelEvaluated finalEvaluation() {
    int last = submission == null ? 0 : submission.totalSteps();
    return latestAttempts(evaluations).stream().filter(m -> m.stepIndex() == last).findFirst().orElse(null);
  }

  /** Applies an event; false when it was applied before. {@code plan} is the loaded plan for a submission, else null. */
  synchronized boolean apply(PipelineEvent event, String json, JobPlan loadedPlan) {
    EventPosition at = EventPosition.of(event);
    if (events.containsKey(at)) {
      if (event instanceof JobSubmitted) {
        fillPlan(loadedPlan); // the first copy's plan read failed; this copy's may have succeeded
      }
      return false;
    }
    updatedAt = updatedAt == null || event.occurredAt().isAfter(updatedAt) ? event.occurredAt() : updatedAt;
    if (event instanceof JobSubmitted s) {
      submission = s;
      models.record(0, s.attempt(), s.artifacts().model());
      fillPlan(loadedPlan);
    } else {
      fold(at, event);
    }
    StreamEvent out = new StreamEvent(at.id(), event.type().jsonName(), json, event.stepIndex());
    events.put(at, out);
    listeners.forEach(l -> l.accept(out));
    return true;
  }

  private void fold(EventPosition at, PipelineEvent event) {
    if (event instanceof RankComputed r) {
      if (r.sensitivity() != null) {
        sensitivities.put(at, r.sensitivity());
      }
      endStep(r);
    } else if (event instanceof LayerPruned p) {
      cuts.put(at, p);
      endStep(p);
    } else if (event instanceof EpochTuned t) {
      epochs.put(at, JobDetails.Epoch.of(t));
      if (t.endsStep()) {
        endStep(t);
      }
    } else if (event instanceof ModelEvaluated m) {
      evaluations.put(at, m);
      endStep(m);
    } else if (event instanceof JobFailed || event instanceof JobCancelled) {
      endings.put(at, event);
    }
  }

  private void endStep(StepEvent e) {
    models.record(e.stepIndex(), e.attempt(), e.artifacts().model());
    stepEnds.merge(e.stepIndex(), new StepEnd(e.occurredAt(), e.attempt()), (a, b) -> b.attempt >= a.attempt ? b : a);
  }

  /** The models the job produced so far, by step (the submission's first). */
  public synchronized List<ModelArtifact> models() {
    return models.list(plan);
  }

  /** The model step {@code step} ended with (0: the submission's); empty when it has not ended with one. */
  public synchronized Optional<ModelArtifact> model(int step) {
    return models.at(step, plan);
  }

  /** The events so far in canonical order, and from now on every new one to {@code listener}, with no gap or overlap. */
  public synchronized List<StreamEvent> subscribe(Consumer<StreamEvent> listener) {
    return subscribe(null, listener);
  }

  /**
   * As {@link #subscribe(Consumer)}, but only the events so far that come after {@code after} in
   * the canonical order ({@link EventPosition}); null for all. New events go to the listener as
   * they arrive, wherever they stand.
   */
  public synchronized List<StreamEvent> subscribe(EventPosition after, Consumer<StreamEvent> listener) {
    listeners.add(listener);
    return List.copyOf((after == null ? events : events.tailMap(after, false)).values());
  }

  public void unsubscribe(Consumer<StreamEvent> listener) {
    listeners.remove(listener);
  }

  public synchronized JobDetails details() {
    Phase ph = phase();
    int totalSteps = submission == null ? 0 : submission.totalSteps();
    int done = stepEnds.isEmpty() ? 0 : stepEnds.lastKey();
    List<JobDetails.Step> timeline = timeline(totalSteps);
    JobDetails.Step current = ph.ended() || done >= totalSteps ? null
        : timeline.stream().filter(s -> s.index() == done + 1).findFirst().orElse(new JobDetails.Step(done + 1, null, null, null, null, null, 1));
    JobFailed failed = first(JobFailed.class);
    JobCancelled cancelled = first(JobCancelled.class);
    return new JobDetails(jobId, submission == null ? null : submission.name(), tenant(), ph.id(), totalSteps, done, current,
        submission == null ? null : submission.occurredAt(), updatedAt, timeline, latestAttempts(epochs), channels(),
        latestAttempts(cuts).stream().map(p -> new JobDetails.Cut(p.stepIndex(), p.groups().size(), p.paramsAfter(), p.macsAfter(), p.sparsity()))
            .toList(),
        latestAttempts(evaluations).stream().map(m -> JobDetails.Evaluation.of(m).withPoint(point(m.stepIndex()))).toList(),
        failed == null ? null : new JobDetails.Failure(failed.stepIndex(), failed.stage().id(), failed.errorType(), failed.message()),
        cancelled == null ? null : cancelled.reason(), latestAttempts(sensitivities).stream().reduce((a, b) -> b).orElse(null));
  }

  /** Every group cut, in the order first cut: its width before the first cut and after the latest. */
  private List<JobDetails.LayerChannels> channels() {
    Map<String, JobDetails.LayerChannels> out = new LinkedHashMap<>();
    for (LayerPruned p : latestAttempts(cuts)) {
      for (LayerPruned.GroupCut g : p.groups()) {
        JobDetails.LayerChannels before = out.get(g.group());
        out.put(g.group(), new JobDetails.LayerChannels(g.group(), before == null ? g.channelsBefore() : before.before(), g.channelsAfter()));
      }
    }
    return List.copyOf(out.values());
  }

  private String point(int step) {
    return plan == null || step > plan.steps().size() ? null : plan.evaluationPoint(step);
  }

  /** The first ending of a kind (a job may report more than one: a stage's failure racing a cancellation). */
  private <E extends PipelineEvent> E first(Class<E> kind) {
    return endings.values().stream().filter(kind::isInstance).map(kind::cast).min(FIRST_ENDING).orElse(null);
  }

  private List<JobDetails.Step> timeline(int totalSteps) {
    List<JobDetails.Step> out = new ArrayList<>();
    Instant start = submission == null ? null : submission.occurredAt();
    for (int i = 1; i <= totalSteps; i++) {
      StepEnd end = stepEnds.get(i);
      PlanStep step = plan == null || i > plan.steps().size() ? null : plan.step(i);
      Instant started = i == 1 || stepEnds.containsKey(i - 1) ? start : null;
      Long ms = end != null && started != null ? Duration.between(started, end.at()).toMillis() : null;
      out.add(new JobDetails.Step(i, step == null ? null : step.kind().id(), step == null ? null : step.stage().id(), started,
          end == null ? null : end.at(), ms, end == null ? 1 : end.attempt()));
      start = end == null ? null : end.at();
    }
    return out;
  }

  /** The values whose step has no later attempt among the keys: a retried step's figures are its latest attempt's. */
  private static <V> List<V> latestAttempts(TreeMap<EventPosition, V> byPosition) {
    Map<Integer, Integer> latest = new HashMap<>();
    byPosition.keySet().forEach(p -> latest.merge(p.step(), p.attempt(), Math::max));
    return byPosition.entrySet().stream().filter(e -> e.getKey().attempt() == latest.get(e.getKey().step())).map(Map.Entry::getValue).toList();
  }
}
