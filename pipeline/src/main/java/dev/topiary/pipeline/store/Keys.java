package dev.topiary.pipeline.store;

import java.util.regex.Pattern;

/**
 * The key layout of the artifact store. A job's artifacts live under {@code jobs/<jobId>/}, one
 * folder per pipeline step: {@code jobs/<jobId>/<step>-<stage>/<name>}, the step index in two or
 * more digits so that a listing sorts in pipeline order, e.g.
 * {@code jobs/7f3a/03-prune/weights.safetensors}. Deleting {@link #job(String)} removes a job.
 *
 * <p>Every part is one path segment of letters, digits, {@code .}, {@code _} and {@code -}, starting
 * with a letter or digit and never containing {@code ..}: no separators, no way out of the prefix.
 */
public final class Keys {
  /** Where every job's artifacts live. */
  public static final String JOBS_PREFIX = "jobs/";
  /** Where the gateway keeps uploaded models and datasets: {@code uploads/<tenant>/<kind>/<id>/}. */
  public static final String UPLOADS_PREFIX = "uploads/";

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private Keys() {}

  /** {@code jobs/<jobId>/}: the prefix of all of a job's artifacts. */
  public static String job(String jobId) {
    return JOBS_PREFIX + segment("jobId", jobId) + "/";
  }

  /** {@code jobs/<jobId>/plan.json}: the job's compiled plan, written once at submission. */
  public static String plan(String jobId) {
    return job(jobId) + "plan.json";
  }

  /**
   * {@code jobs/<jobId>/cancelled.json}: written by the gateway when a job is cancelled, before it
   * publishes {@code JobCancelled}. Stages look for it before each step and between epochs, so a
   * cancellation stops the job even where the event has not arrived yet.
   */
  public static String cancelled(String jobId) {
    return job(jobId) + "cancelled.json";
  }

  /**
   * {@code jobs/<jobId>/attempts/<NN>-<stage>}: how many runs of one step have started, as decimal
   * text; kept outside the step's folder, which holds only what a run produced.
   */
  public static String attempts(String jobId, int stepIndex, String stage) {
    return job(jobId) + "attempts/" + stepName(stepIndex, stage);
  }

  /** {@code uploads/<tenant>/}: everything one tenant uploaded. */
  public static String tenantUploads(String tenant) {
    return UPLOADS_PREFIX + segment("tenant", tenant) + "/";
  }

  /**
   * {@code uploads/<tenant>/<kind>/<uploadId>/}: one upload, e.g. {@code uploads/acme/models/m-1f3a/};
   * every part is a server-chosen segment.
   */
  public static String upload(String tenant, String kind, String uploadId) {
    return tenantUploads(tenant) + segment("kind", kind) + "/" + segment("uploadId", uploadId) + "/";
  }

  /** {@code jobs/<jobId>/<NN>-<stage>/}: the folder of one step, e.g. for {@link ArtifactStore#putModel}. */
  public static String stepPrefix(String jobId, int stepIndex, String stage) {
    return job(jobId) + stepName(stepIndex, stage) + "/";
  }

  /** {@code <NN>-<stage>}: how a step is named in its job's folder. */
  private static String stepName(int stepIndex, String stage) {
    if (stepIndex < 0) {
      throw new IllegalArgumentException("stepIndex must be >= 0, got " + stepIndex);
    }
    return String.format("%02d", stepIndex) + "-" + segment("stage", stage);
  }

  /** {@code jobs/<jobId>/<NN>-<stage>/<name>}: one artifact of one step. */
  public static String step(String jobId, int stepIndex, String stage, String name) {
    return stepPrefix(jobId, stepIndex, stage) + segment("name", name);
  }

  /**
   * Checks a full object key: segments separated by single {@code /}, each as described above;
   * returns it unchanged.
   */
  public static String checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    for (String part : key.split("/", -1)) {
      if (!SEGMENT.matcher(part).matches() || part.contains("..")) {
        throw new IllegalArgumentException("key '" + key + "': segment '" + part + "' must match " + SEGMENT
            + " without '..'");
      }
    }
    return key;
  }

  /**
   * Checks a key prefix, which must end with {@code /} so that it names a folder: {@code jobs/j1}
   * would also match {@code jobs/j10/...}.
   */
  public static String checkPrefix(String prefix) {
    if (prefix == null || !prefix.endsWith("/") || prefix.length() < 2) {
      throw new IllegalArgumentException("prefix must be a non-empty folder ending with '/', got '" + prefix + "'");
    }
    checkKey(prefix.substring(0, prefix.length() - 1));
    return prefix;
  }

  private static String segment(String field, String value) {
    if (value == null || !SEGMENT.matcher(value).matches() || value.contains("..")) {
      throw new IllegalArgumentException(field + " must be one path segment matching " + SEGMENT
          + " (no path separators or '..'), got " + (value == null ? "null" : "'" + value + "'"));
    }
    return value;
  }
}
