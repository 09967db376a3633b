package dev.topiary.gateway.submit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.gateway.api.ApiException;
import dev.topiary.gateway.view.JobDetails;
import dev.topiary.gateway.view.JobState;
import dev.topiary.gateway.view.JobView;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobCancelled;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;

/**
 * Cancels a running job: writes the marker {@code jobs/<id>/cancelled.json} first (stages check it
 * before each step, so the job stops even if the event is late), then publishes {@link
 * JobCancelled} keyed by the job id. A job that already ended answers 409.
 */
@ApplicationScoped
public class JobCanceller {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  ArtifactStore store;

  @Inject
  EventPublisher publisher;

  @Inject
  JobView view;

  /** The marker and the event, as the answer shows them. */
  public record Cancelled(String jobId, ArtifactRef marker, JobCancelled event) {}

  public Cancelled cancel(JobState job, String tenant, String reason) {
    JobDetails d = job.details();
    if (job.phase().ended()) {
      throw ApiException.conflict("state", "job " + job.jobId() + " is " + d.state() + "; only a submitted or running job can be cancelled");
    }
    String why = reason == null || reason.isBlank() ? "cancelled by " + tenant : reason.strip();
    Instant now = Instant.now();
    ObjectNode marker = JSON.createObjectNode().put("jobId", job.jobId()).put("reason", why).put("requestedBy", tenant)
        .put("occurredAt", now.toString());
    ArtifactRef ref = store.put(Keys.cancelled(job.jobId()), marker.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    JobCancelled event = new JobCancelled(job.jobId(), d.stepsDone(), 1, now, why, tenant);
    publisher.publish(Topics.JOB_CANCELLED, job.jobId(), EventCodec.toBytes(event));
    view.apply(event, EventCodec.toJson(event)); // read-your-writes, as for submissions
    return new Cancelled(job.jobId(), ref, event);
  }
}
