package dev.topiary.gateway.view;

import dev.topiary.pipeline.event.EpochTuned;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One job's state, folded from its events in arrival order. Thread-safe (every method locks the
 * instance): the event tail writes while requests read. Idempotent: an event already applied (same
 * type, idempotency key and epoch) is ignored. A job that ended (completed, failed, cancelled)
 * keeps that state; later events are still recorded for the stream.
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

  /** An event as it travels on the stream: its type name and JSON. */
  public record StreamEvent(String type, String json, int stepIndex) {}

  private record StepEnd(Instant at, int attempt) {}

  private final String jobId;
  private String tenant;
  private String name;
  private int totalSteps;
  private Instant submittedAt;
  private Instant updatedAt;
  private Phase phase;
  private JobPlan plan;
  private final TreeMap<Integer, StepEnd> stepEnds = new TreeMap<>();
  private final List<JobDetails.Epoch> epochs = new ArrayList<>();
  private final Map<String, JobDetails.LayerChannels> channels = new LinkedHashMap<>();
  private final List<JobDetails.Cut> cuts = new ArrayList<>();
  private final TreeMap<Integer, JobDetails.Evaluation> evaluations = new TreeMap<>();
  private ModelEvaluated finalEvaluation;
  private JobDetails.Failure failure;
  private String cancelReason;
  private final ModelArtifacts models = new ModelArtifacts();
  private final List<StreamEvent> events = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();
  private final List<Consumer<StreamEvent>> listeners = new ArrayList<>();

  JobState(String jobId) {
    this.jobId = jobId;
  }

  public String jobId() {
    return jobId;
  }

  public synchronized String tenant() {
    return tenant;
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

  public synchronized Phase phase() {
    return phase == null ? Phase.SUBMITTED : phase;
  }

  /** The final evaluation (the plan's last step), whose model is the job's result; null before. */
  public synchronized ModelEvaluated finalEvaluation() {
    return finalEvaluation;
  }

  /** Applies an event; false when it was applied before. {@code plan} is the loaded plan for a submission, else null. */
  synchronized boolean apply(PipelineEvent event, String json, JobPlan loadedPlan) {
    String dedup = event.type().jsonName() + "/" + event.idempotencyKey() + (event instanceof EpochTuned t ? "/" + t.epoch() : "");
    if (!seen.add(dedup)) {
      if (event instanceof JobSubmitted) {
        fillPlan(loadedPlan); // the first copy's plan read failed; this copy's may have succeeded
      }
      return false;
    }
    updatedAt = max(updatedAt, event.occurredAt());
    if (event instanceof JobSubmitted s) {
      tenant = s.tenant();
      name = s.name();
      totalSteps = s.totalSteps();
      submittedAt = s.occurredAt();
      models.record(0, s.attempt(), s.artifacts().model());
      fillPlan(loadedPlan);
      if (phase == null) {
        phase = Phase.SUBMITTED;
      }
    } else {
      fold(event);
    }
    StreamEvent out = new StreamEvent(event.type().jsonName(), json, event.stepIndex());
    events.add(out);
    List.copyOf(listeners).forEach(l -> l.accept(out));
    return true;
  }

  private void fold(PipelineEvent event) {
    if (phase == null || phase == Phase.SUBMITTED) {
      phase = Phase.RUNNING;
    }
    if (event instanceof RankComputed r) {
      endStep(r);
    } else if (event instanceof LayerPruned p) {
      pruned(p);
    } else if (event instanceof EpochTuned t) {
      epochs.add(JobDetails.Epoch.of(t));
      if (t.endsStep()) {
        endStep(t);
      }
    } else if (event instanceof ModelEvaluated m) {
      evaluated(m);
    } else if (event instanceof JobFailed f) {
      failure = new JobDetails.Failure(f.stepIndex(), f.stage().id(), f.errorType(), f.message());
      end(Phase.FAILED);
    } else if (event instanceof JobCancelled c) {
      cancelReason = c.reason();
      end(Phase.CANCELLED);
    }
  }

  private void pruned(LayerPruned p) {
    for (LayerPruned.GroupCut g : p.groups()) {
      JobDetails.LayerChannels before = channels.get(g.group());
      channels.put(g.group(), new JobDetails.LayerChannels(g.group(), before == null ? g.channelsBefore() : before.before(), g.channelsAfter()));
    }
    cuts.add(new JobDetails.Cut(p.stepIndex(), p.groups().size(), p.paramsAfter(), p.macsAfter(), p.sparsity()));
    endStep(p);
  }

  private void evaluated(ModelEvaluated m) {
    evaluations.put(m.stepIndex(), JobDetails.Evaluation.of(m));
    endStep(m);
    if (totalSteps > 0 && m.stepIndex() == totalSteps) {
      finalEvaluation = m;
      end(Phase.COMPLETED);
    }
  }

  private void endStep(StepEvent e) {
    models.record(e.stepIndex(), e.attempt(), e.artifacts().model());
    stepEnds.merge(e.stepIndex(), new StepEnd(e.occurredAt(), e.attempt()), (a, b) -> b.attempt >= a.attempt ? b : a);
  }

  private void end(Phase p) {
    if (phase == null || !phase.ended()) {
      phase = p;
    }
  }

  /** The models the job produced so far, by step (the submission's first). */
  public synchronized List<ModelArtifact> models() {
    return models.list(plan);
  }

  /** The model step {@code step} ended with (0: the submission's); empty when it has not ended with one. */
  public synchronized Optional<ModelArtifact> model(int step) {
    return models.at(step, plan);
  }

  /** The events so far, and from now on every new one to {@code listener}, with no gap or overlap. */
  public synchronized List<StreamEvent> subscribe(Consumer<StreamEvent> listener) {
    listeners.add(listener);
    return List.copyOf(events);
  }

  public synchronized void unsubscribe(Consumer<StreamEvent> listener) {
    listeners.remove(listener);
  }

  public synchronized JobDetails details() {
    Phase ph = phase();
    int done = stepEnds.isEmpty() ? 0 : stepEnds.lastKey();
    List<JobDetails.Step> timeline = timeline();
    JobDetails.Step current = ph.ended() || done >= totalSteps ? null
        : timeline.stream().filter(s -> s.index() == done + 1).findFirst().orElse(new JobDetails.Step(done + 1, null, null, null, null, null, 1));
    return new JobDetails(jobId, name, tenant, ph.id(), totalSteps, done, current, submittedAt, updatedAt, timeline, List.copyOf(epochs),
        List.copyOf(channels.values()), List.copyOf(cuts), evaluations.values().stream()
        .map(e -> e.withPoint(plan == null || e.step() > plan.steps().size() ? null : plan.evaluationPoint(e.step()))).toList(), failure, cancelReason);
  }

  private List<JobDetails.Step> timeline() {
    List<JobDetails.Step> out = new ArrayList<>();
    Instant start = submittedAt;
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

  private static Instant max(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }
}
