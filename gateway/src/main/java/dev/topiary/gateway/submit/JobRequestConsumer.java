package dev.topiary.gateway.submit;

import dev.topiary.gateway.api.ApiException;
import dev.topiary.gateway.auth.TenantTokens;
import dev.topiary.pipeline.event.JobRejected;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.engine.weights.Sha256;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Event-triggered submissions from {@link Topics#JOB_REQUESTS}. A record's key is the request id,
 * its value the spec (JSON, or YAML with header {@code content-type: application/yaml}), and its
 * {@code authorization} header {@code Bearer <token>}, the tenant's API token, the same one REST
 * takes. The request is validated exactly as {@code POST /api/v1/jobs} validates it; the answer is
 * {@code JobSubmitted} (with {@code requestId} and {@code tenant}) or {@link JobRejected} on
 * {@link Topics#JOB_REJECTED}, keyed by the request id, with the same field messages.
 *
 * <p>At-least-once: the job id is derived from tenant and request id, so a redelivered request
 * republishes the same job's submission instead of starting a second job.
 *
 * <p>A tenant over its submission rate ({@link dev.topiary.gateway.ratelimit.TenantRateLimits},
 * shared with REST) gets {@link JobRejected} with field {@code rate-limit} and a message ending
 * {@code retry in <n> s}: the request is answered, never dropped, and the sender sends it again
 * (the same request id is fine: it names no job yet). The consumer does not wait for the tenant's
 * next token instead: records are processed one at a time, so waiting would hold every other
 * tenant's requests behind this one's (the starvation the limit is there to prevent), and a wait
 * past the commit strategy's unprocessed-record age would mark the channel unhealthy.
 */
@ApplicationScoped
public class JobRequestConsumer {
  static final String CHANNEL = "job-requests";
  private static final Logger LOG = Logger.getLogger(JobRequestConsumer.class);

  @Inject
  JobSubmitter submitter;

  @Inject
  TenantTokens tokens;

  @Inject
  EventPublisher publisher;

  /** The job id of a request: {@code r-} and 40 hex digits of SHA-256 over tenant and request id. */
  public static String jobIdOf(String tenant, String requestId) {
    return "r-" + Sha256.hex((tenant + "\n" + requestId).getBytes(StandardCharsets.UTF_8)).substring(0, 40);
  }

  @Incoming(CHANNEL)
  @Blocking
  public void onRequest(ConsumerRecord<String, byte[]> record) {
    String requestId = record.key();
    if (requestId == null || !JobRejected.REQUEST_ID.matcher(requestId).matches()) {
      String shown = requestId == null ? "none" : "'" + requestId + "'";
      LOG.warnf("job request at %s-%d@%d has key %s; answering under a generated id", record.topic(), record.partition(), record.offset(), shown);
      String id = "offset-" + record.partition() + "-" + record.offset();
      reject(id, null, List.of(new JobRejected.FieldError("key", "the record key must be a request id matching "
          + JobRejected.REQUEST_ID + ", got " + shown)));
      return;
    }
    Optional<String> tenant = tokens.tenantOfHeader(header(record, "authorization"));
    if (tenant.isEmpty()) {
      reject(requestId, null, List.of(new JobRejected.FieldError("authorization",
          header(record, "authorization") == null ? "missing: add header 'authorization: Bearer <token>'" : "not a known bearer token")));
      return;
    }
    String type = Optional.ofNullable(header(record, "content-type")).orElse("application/json").toLowerCase(Locale.ROOT);
    JobSpecs.Format format = type.contains("yaml") ? JobSpecs.Format.YAML : JobSpecs.Format.JSON;
    String text = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
    try {
      submitter.submit(tenant.get(), text, format, jobIdOf(tenant.get(), requestId), requestId);
    } catch (ApiException e) {
      reject(requestId, tenant.get(), e.errors().stream().map(f -> new JobRejected.FieldError(f.field(), f.message())).toList());
    }
  }

  private void reject(String requestId, String tenant, List<JobRejected.FieldError> errors) {
    JobRejected rejected = new JobRejected(requestId, Instant.now(), tenant, errors);
    publisher.publish(Topics.JOB_REJECTED, requestId, rejected.toBytes());
    LOG.infof("job request %s rejected: %s", requestId, errors);
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    for (Header h : record.headers()) {
      if (h.key().equalsIgnoreCase(name) && h.value() != null) {
        return new String(h.value(), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
