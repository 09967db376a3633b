package dev.topiary.gateway.fuzz;

import java.util.List;

/**
 * One malformed input for the gateway's HTTP API: its category, a name saying what is malformed,
 * the request, and the fields an error may name to count as naming the fault.
 *
 * @param fields the error fields that name the fault: an error's field matches when it equals one,
 *     lies under one ({@code dataset.batchSize} under {@code dataset}) or above one but below the
 *     root; {@code ""} is the spec document itself (malformed syntax); empty: any field
 */
public record FuzzCase(String category, String name, Request request, List<String> fields) {
  /** What is sent. */
  public sealed interface Request permits Spec, Upload {}

  /** A job spec to {@code POST /api/v1/jobs}. */
  public record Spec(String contentType, byte[] body) implements Request {}

  /** A multipart upload to {@code path}. */
  public record Upload(String path, List<Part> parts) implements Request {}

  /** One multipart part: a file (with a file name) or, with {@code fileName} null, a text field. */
  public record Part(String name, String fileName, byte[] content) {}

  public FuzzCase {
    fields = List.copyOf(fields);
  }

  /** Whether an error on {@code field} names this case's fault. */
  public boolean names(String field) {
    return names(fields, field);
  }

  /** Whether an error on {@code field} names a fault at one of {@code fields} (any field when empty). */
  public static boolean names(List<String> fields, String field) {
    if (field == null || fields.isEmpty()) {
      return field != null;
    }
    return fields.stream().anyMatch(f -> f.equals(field) || under(field, f) || !field.isEmpty() && under(f, field));
  }

  private static boolean under(String path, String parent) {
    return !parent.isEmpty() && (path.startsWith(parent + ".") || path.startsWith(parent + "["));
  }

  @Override
  public String toString() {
    return category + ": " + name;
  }
}
