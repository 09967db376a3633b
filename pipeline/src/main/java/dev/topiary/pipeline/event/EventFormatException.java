package dev.topiary.pipeline.event;

/**
 * An event's JSON cannot be read: it is not JSON, names an unknown type or a newer schema
 * version, lacks a required field, or holds a value the record refuses. The message starts with
 * the field's path; a consumer sends such a record to {@link Topics#DEAD_LETTER}.
 */
public class EventFormatException extends IllegalArgumentException {
  private final String field;

  public EventFormatException(String field, String reason) {
    super(field.isEmpty() ? reason : field + ": " + reason);
    this.field = field;
  }

  public EventFormatException(String field, String reason, Throwable cause) {
    super(field.isEmpty() ? reason : field + ": " + reason, cause);
    this.field = field;
  }

  /** The path of the offending field, e.g. {@code jobId} or {@code groups[0].channelsAfter}; empty for the whole document. */
  public String field() {
    return field;
  }
}
