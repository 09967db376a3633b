package dev.topiary.pipeline.event;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The gateway refused a job request from {@link Topics#JOB_REQUESTS}: published on {@link
 * Topics#JOB_REJECTED}, keyed by the request id, carrying the same field messages a REST
 * submission gets in its 400 answer. It is no {@link PipelineEvent}: no job exists, so it has no
 * job id and starts nothing. Same envelope as the events ({@code type}, {@code schemaVersion}
 * first, null optional fields left out), read tolerantly of unknown fields. Immutable.
 *
 * @param requestId the rejected request's key
 * @param occurredAt when the gateway decided
 * @param tenant the tenant of the request's token; null when the token was missing or unknown
 * @param errors one entry per field at fault; at least one
 */
public record JobRejected(String requestId, Instant occurredAt, @Nullable String tenant, List<FieldError> errors) {
  /** The {@code type} field. */
  public static final String TYPE = "JobRejected";
  /** The schema version written, and the newest one read. */
  public static final int VERSION = 1;
  /** What a request id may be: it becomes a Kafka key and appears in logs. */
  public static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private static final ObjectMapper MAPPER = EventCodec.mapper();

  /**
   * One thing wrong with the request.
   *
   * @param field the spec's field path ({@code prune.select.compressRate}), or a request part
   *     ({@code authorization}, {@code key}); empty for the whole document
   * @param message what is wrong
   */
  public record FieldError(String field, String message) {
    public FieldError {
      Checks.required(field, "field");
      Checks.text(message, "message");
    }
  }

  public JobRejected {
    Checks.text(requestId, "requestId");
    Checks.required(occurredAt, "occurredAt");
    errors = Checks.list(errors, "errors");
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("errors: a rejection names at least one problem");
    }
  }

  public String toJson() {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("type", TYPE);
    out.put("schemaVersion", VERSION);
    out.setAll((ObjectNode) MAPPER.valueToTree(this));
    try {
      return MAPPER.writeValueAsString(out);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot write JobRejected: " + e.getOriginalMessage(), e);
    }
  }

  public byte[] toBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads a rejection.
   *
   * @throws EventFormatException naming the field at fault
   */
  public static JobRejected fromJson(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new EventFormatException("", "not a JSON document: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject() || !TYPE.equals(root.path("type").asText())) {
      throw new EventFormatException("type", "expected " + TYPE);
    }
    int version = root.path("schemaVersion").asInt(0);
    if (version < 1 || version > VERSION) {
      throw new EventFormatException("schemaVersion", "expected 1 to " + VERSION + ", got " + root.get("schemaVersion"));
    }
    ObjectNode body = ((ObjectNode) root).deepCopy();
    body.remove(List.of("type", "schemaVersion"));
    List<String> missing = RequiredFields.missing(body, JobRejected.class);
    if (!missing.isEmpty()) {
      throw new EventFormatException(missing.get(0), "required field missing in " + TYPE);
    }
    try {
      return MAPPER.treeToValue(body, JobRejected.class);
    } catch (JacksonException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new EventFormatException("", cause.getMessage() + " in " + TYPE, e);
    }
  }
}
