package dev.topiary.pipeline.event;

import java.util.regex.Pattern;

/**
 * The form of a job id, which becomes the Kafka key and part of every artifact key ({@code
 * jobs/<jobId>/...}): 1 to 63 lower-case letters, digits and hyphens, starting with a letter or a
 * digit. A lower-case UUID fits; a path ({@code ../x}, {@code a/b}) never does.
 */
public final class JobIds {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private JobIds() {}

  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * @return {@code id}
   * @throws IllegalArgumentException naming {@code jobId} when the id is missing or malformed
   */
  public static String check(String id) {
    if (id == null) {
      throw new IllegalArgumentException("jobId: required");
    }
    if (!isValid(id)) {
      throw new IllegalArgumentException("jobId: '" + id + "' is not a job id: 1 to 63 lower-case letters, digits and '-', starting with a letter or digit");
    }
    return id;
  }
}
