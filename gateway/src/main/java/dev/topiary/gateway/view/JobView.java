package dev.topiary.gateway.view;

import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.EventFormatException;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.store.ArtifactRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Every job's {@link JobState}, keyed by job id, folded from the event stream. Thread-safe. A job
 * is visible to the tenant named by its {@code JobSubmitted} only; jobs submitted without a tenant
 * (in-process runs) are visible to none. Plain Java: a test builds a second view from the same
 * topics and compares.
 */
public final class JobView {
  private static final Logger LOG = Logger.getLogger(JobView.class);

  /** One page of jobs, newest submission first. */
  public record Page(List<JobDetails.Summary> items, int page, int size, long total) {}

  private final Map<String, JobState> jobs = new ConcurrentHashMap<>();
  /** Submissions whose plan could not be read yet, by job id: what {@link #retryOneUnreadPlan} reads again. */
  private final Map<String, JobSubmitted> unreadPlans = new ConcurrentHashMap<>();
  private final Function<ArtifactRef, JobPlan> planLoader;
  private volatile Runnable onLiveCompletion = () -> {};
  private volatile boolean live;

  /** @param planLoader reads a stored plan (for step kinds in the timeline); its failures leave the kinds unknown */
  public JobView(Function<ArtifactRef, JobPlan> planLoader) {
    this.planLoader = planLoader;
  }

  /** Applies one record's value; false when it was a duplicate. Undecodable values are logged and skipped. */
  public boolean accept(byte[] value) {
    String json = new String(value, StandardCharsets.UTF_8);
    PipelineEvent event;
    try {
      event = EventCodec.fromJson(json);
    } catch (EventFormatException e) {
      LOG.warnf("skipping an undecodable event: %s", e.getMessage());
      return false;
    }
    return apply(event, EventCodec.toJson(event));
  }

  /** Applies a decoded event; false when it was a duplicate. A submission's plan is read from the store unless the job has it. */
  public boolean apply(PipelineEvent event, String json) {
    return apply(event, json, null);
  }

  /**
   * Applies a decoded event; false when it was a duplicate.
   *
   * @param knownPlan a submission's plan when the caller holds it (the submitter: no store read on
   *     the request path), else null (always for other events). A plan unknown so far (its read failed) is taken from a
   *     duplicate submission, so the tail's copy mends a failed read and vice versa.
   */
  public boolean apply(PipelineEvent event, String json, JobPlan knownPlan) {
    JobPlan plan = event instanceof JobSubmitted s && knownPlan == null && !hasPlan(s.jobId()) ? loadPlan(s) : knownPlan;
    JobState state = jobs.computeIfAbsent(event.jobId(), JobState::new);
    JobState.Phase before = state.phase();
    boolean applied = state.apply(event, json, plan);
    if (event instanceof JobSubmitted s) {
      if (state.hasPlan()) {
        unreadPlans.remove(s.jobId());
      } else {
        unreadPlans.put(s.jobId(), s);
      }
    }
    if (applied && live && before != JobState.Phase.COMPLETED && state.phase() == JobState.Phase.COMPLETED) {
      onLiveCompletion.run();
    }
    return applied;
  }

  /**
   * From now on, completions are news: {@code onCompletion} runs for each job completing after
   * this call, not for those replayed at start (a restart must not count history again).
   */
  public void goLive(Runnable onCompletion) {
    this.onLiveCompletion = onCompletion;
    this.live = true;
  }

  /**
   * Whether the view holds everything the topics held when it started ({@link #goLive} was called):
   * before, a job's events are still coming back topic by topic, so its stream cannot be resumed.
   */
  public boolean caughtUp() {
    return live;
  }

  /** How many jobs (of every tenant) are in a state now. */
  public long count(JobState.Phase phase) {
    return jobs.values().stream().filter(s -> s.phase() == phase).count();
  }

  /**
   * The job if it exists and belongs to the tenant: one map read and a comparison, never a store
   * read, so another tenant's job and a missing one cost the same.
   */
  public Optional<JobState> find(String tenant, String jobId) {
    JobState s = jobs.get(jobId);
    return s != null && tenant.equals(s.tenant()) ? Optional.of(s) : Optional.empty();
  }

  /**
   * Reads again the plan of one job whose plan could not be read (the store was down when its
   * submission was folded, and no other copy came: a restart's replay holds one). Called by the
   * event tail between polls, never on a request's thread; one job a call, so a store that is down
   * delays the tail by one read's retries at most.
   *
   * @return whether a job left the list of unread plans
   */
  public boolean retryOneUnreadPlan() {
    for (JobSubmitted s : unreadPlans.values()) {
      JobState state = jobs.get(s.jobId());
      if (!state.hasPlan()) { // else the submission's other copy brought it meanwhile
        JobPlan plan = loadPlan(s);
        if (plan == null) {
          return false;
        }
        state.fillPlan(plan);
        LOG.infof("job %s: plan %s read on a retry", s.jobId(), s.plan().key());
      }
      unreadPlans.remove(s.jobId());
      return true;
    }
    return false;
  }

  private boolean hasPlan(String jobId) {
    JobState s = jobs.get(jobId);
    return s != null && s.hasPlan();
  }

  /**
   * A tenant's jobs, newest first.
   *
   * @param phase only jobs in this state; null for all
   * @param page from 0
   */
  public Page list(String tenant, JobState.Phase phase, int page, int size) {
    List<JobDetails.Summary> all = jobs.values().stream()
        .filter(s -> tenant.equals(s.tenant()) && (phase == null || s.phase() == phase))
        .map(s -> s.details().summary())
        .sorted(Comparator.comparing((JobDetails.Summary s) -> s.submittedAt() == null ? Instant.EPOCH : s.submittedAt()).reversed()
            .thenComparing(JobDetails.Summary::id))
        .toList();
    int from = (int) Math.min((long) page * size, all.size());
    return new Page(all.subList(from, Math.min(from + size, all.size())), page, size, all.size());
  }

  /** Every job's details by id, for comparing two views. */
  public Map<String, JobDetails> snapshot() {
    return jobs.values().stream().collect(Collectors.toMap(JobState::jobId, JobState::details));
  }

  private JobPlan loadPlan(JobSubmitted s) {
    try {
      return planLoader.apply(s.plan());
    } catch (RuntimeException e) {
      LOG.warnf(e, "job %s: plan %s not readable, step kinds unknown until a copy of the submission brings it", s.jobId(), s.plan().key());
      return null;
    }
  }
}
