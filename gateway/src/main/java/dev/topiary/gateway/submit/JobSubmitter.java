package dev.topiary.gateway.submit;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.gateway.GatewayConfig;
import dev.topiary.gateway.api.ApiException;
import dev.topiary.gateway.api.ErrorBody;
import dev.topiary.gateway.api.TooManyRequestsException;
import dev.topiary.gateway.ratelimit.TenantRateLimits;
import dev.topiary.gateway.view.JobView;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.job.InvalidJobSpecException;
import dev.topiary.pipeline.job.JobLimits;
import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.job.SpecProblem;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.Submission;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.pipeline.store.ModelRef;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The one way a job is accepted, for REST and for the job-requests topic alike: read the spec
 * strictly, check what it cites in the store, check it against the stored or imported graph (and
 * that graph against the dataset's classes and channels, {@link DatasetFit}), compile and store
 * the plan, publish {@code JobSubmitted} keyed by the job id, and apply it to this gateway's view at
 * once, so that the caller can read the job right after the 201. What the job asks of the
 * services is bounded first ({@link JobLimits}: epochs, batch size, input size, and its memory
 * estimated from the graph against each service's budget), so that a job that cannot fit is a 400
 * rather than a service that dies of it. Refusals are {@link ApiException}s
 * listing every problem (400, or 413 for an oversized spec) and leave nothing stored; a failed
 * publish deletes the job's prefix and answers 503.
 *
 * <p>Before anything is read, the submission takes one of the tenant's tokens ({@link
 * TenantRateLimits}): 429 when it has none, for REST and for the topic alike. A submission refused
 * for its content or not published gives its token back, so the limit counts jobs admitted. A job
 * that is already in the view (a redelivered request republishing its submission) takes none: it
 * adds no work, and refusing it would answer a request that was accepted with a rejection.
 */
@ApplicationScoped
public class JobSubmitter {
  private static final Logger LOG = Logger.getLogger(JobSubmitter.class);

  /** An accepted job: its id, compiled plan and the event published. */
  public record Accepted(String jobId, JobPlan plan, JobSubmitted event) {}

  @Inject
  ArtifactStore store;

  @Inject
  EventPublisher publisher;

  @Inject
  GatewayConfig config;

  @Inject
  MeterRegistry registry;

  @Inject
  JobView view;

  @Inject
  TenantRateLimits rateLimits;

  /** A fresh server-chosen job id: a lower-case UUID (36 of the 63 characters a job id may have). */
  public static String newJobId() {
    return UUID.randomUUID().toString();
  }

  /**
   * Validates and accepts a spec for a tenant.
   *
   * @param jobId the server's id for the job; submitting the same id again (a redelivered request)
   *     stores the same plan and publishes the submission again, deleting nothing
   * @param requestId the job request's key, or null for REST
   * @throws ApiException 400/413 listing every problem, nothing stored; 429 when the tenant is over its
   *     rate ({@link TooManyRequestsException}); 503 when publishing failed
   */
  public Accepted submit(String tenant, String text, JobSpecs.Format format, String jobId, String requestId) {
    String source = requestId == null ? "rest" : "kafka";
    boolean charged = view.find(tenant, jobId).isEmpty();
    if (charged) {
      try {
        rateLimits.takeSubmission(tenant);
      } catch (TooManyRequestsException e) {
        count(source, "limited");
        throw e;
      }
    }
    boolean accepted = false;
    try {
      Accepted job = accept(tenant, text, format, jobId, requestId);
      accepted = true;
      count(source, "accepted");
      return job;
    } catch (ApiException e) {
      count(source, e.status() >= 500 ? "failed" : "rejected");
      throw e;
    } finally {
      if (charged && !accepted) {
        rateLimits.giveBackSubmission(tenant);
      }
    }
  }

  /**
   * Submissions by source (rest, kafka) and outcome (accepted, rejected, limited: over the tenant's
   * rate, failed): {@code topiary_gateway_submissions_total}.
   */
  private void count(String source, String outcome) {
    registry.counter("topiary.gateway.submissions", "source", source, "outcome", outcome).increment();
  }

  private Accepted accept(String tenant, String text, JobSpecs.Format format, String jobId, String requestId) {
    long bytes = text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > config.maxSpecBytes()) {
      throw ApiException.tooLarge("body", bytes, config.maxSpecBytes());
    }
    JobSpec spec = parse(text, format);
    JobLimits limits = config.limits().toJobLimits();
    List<SpecProblem> bounds = limits.specProblems(spec);
    if (!bounds.isEmpty()) {
      throw refusal(bounds); // before any graph is built or stored input read for it
    }
    StoredInputs inputs = new StoredInputs(store, tenant, config.allowLocalDatasets(), id -> view.find(tenant, id).isPresent());
    Optional<Graph> stored = inputs.check(spec);
    List<SpecProblem> problems = new ArrayList<>(inputs.problems());
    if (problems.isEmpty() && stored.isPresent()) {
      problems.addAll(JobSpecs.problems(spec, stored.get()));
      problems.addAll(DatasetFit.problems(spec, stored.get(), spec.model().onnx() != null ? "model.onnx" : "model.graph", store));
    } else if (problems.isEmpty() && spec.model().zoo() != null && !spec.detects()) {
      problems.addAll(DatasetFit.problems(spec, JobSpecs.zooGraph(spec), spec.model().inputShape() != null ? "model.inputShape"
          : "model.zoo", store));
    }
    if (problems.isEmpty()) {
      problems.addAll(inputs.replayProblems(stored.orElseGet(() -> JobSpecs.zooGraph(spec))));
    }
    if (problems.isEmpty()) {
      problems.addAll(limits.graphProblems(spec, stored.orElseGet(() -> JobSpecs.zooGraph(spec))));
    }
    if (problems.isEmpty() && spec.detects()) {
      problems.addAll(DetectionFit.problems(spec, stored.orElseGet(() -> JobSpecs.zooGraph(spec)), store, config.allowLocalDatasets()));
    }
    if (!problems.isEmpty()) {
      throw refusal(problems);
    }
    Submission submission;
    try {
      Submission.Builder b = Submission.builder().setStore(store).setJobId(jobId).setSpec(spec).optTenant(tenant).optRequestId(requestId);
      Optional<ModelRef> imported = inputs.importedModel();
      submission = (imported.isPresent() ? b.optImported(stored.orElseThrow(), imported.get()) : b.optGraph(stored.orElse(null))).build();
    } catch (TopiaryException | IllegalArgumentException e) {
      throw ApiException.badRequest("", "the plan cannot be compiled: " + e.getMessage());
    }
    boolean existed = store.exists(Keys.plan(jobId));
    JobSubmitted event = submission.store();
    try {
      publisher.publish(Topics.JOB_SUBMITTED, jobId, EventCodec.toBytes(event));
    } catch (EventPublisher.PublishException e) {
      if (!existed) {
        store.delete(Keys.job(jobId));
      }
      LOG.warnf("job %s not submitted: %s", jobId, e.getMessage());
      throw new ApiException(503, List.of(new ErrorBody.FieldError("", "the event bus did not take the job; nothing was kept, try again")));
    }
    // read-your-writes, with the plan in hand: the tail's copy arrives later (or came first) as a duplicate
    view.apply(event, EventCodec.toJson(event), submission.plan());
    LOG.infof("job %s (%s) submitted by %s: %d steps", jobId, spec.name(), tenant, submission.plan().steps().size());
    return new Accepted(jobId, submission.plan(), event);
  }

  private static JobSpec parse(String text, JobSpecs.Format format) {
    try {
      return JobSpecs.parse(text, format);
    } catch (InvalidJobSpecException e) {
      throw refusal(e.problems());
    }
  }

  private static ApiException refusal(List<SpecProblem> problems) {
    return new ApiException(400, problems.stream().map(p -> new ErrorBody.FieldError(p.path(), p.message())).toList());
  }
}
