package dev.topiary.pipeline.store;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.MinioException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one S3 call under a {@link RetryPolicy}: transient failures are retried after the policy's
 * delay, anything else becomes an {@link ArtifactStoreException} at once. Runtime exceptions from the
 * call itself ({@link ArtifactIntegrityException}) pass through untouched, never retried.
 */
final class S3Retrier {
  private static final System.Logger LOG = System.getLogger(S3Retrier.class.getName());
  /** S3 error codes that mean "try again later" whatever the status. */
  private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "InternalError", "ServiceUnavailable",
      "RequestTimeout", "RequestTimeTooSkewed", "XMinioServerNotInitialized");
  private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchObject");
  /** MinIO reports a non-XML error body (say, a proxy's 502 page) only in the message. */
  private static final Pattern NON_XML_STATUS = Pattern.compile("Response code: (\\d{3})");

  /** One S3 request (or a few that only make sense together). */
  @FunctionalInterface
  interface Call<T> {
    T run() throws IOException, MinioException, GeneralSecurityException;
  }

  /** Waits between attempts; a test may replace it to count the waits instead. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration delay) throws InterruptedException;
  }

  private final RetryPolicy policy;
  private final Sleeper sleeper;

  S3Retrier(RetryPolicy policy, Sleeper sleeper) {
    this.policy = policy;
    this.sleeper = sleeper;
  }

  /**
   * Runs {@code call}. {@code what} names the operation and object for messages, e.g.
   * {@code "get s3://topiary/jobs/j1/00-base/graph.json"}; {@code bucket}/{@code key} feed
   * {@link ArtifactNotFoundException}.
   */
  <T> T run(String what, String bucket, String key, Call<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.run();
      } catch (IOException | MinioException | GeneralSecurityException e) {
        if (key != null && isNotFound(e)) {
          throw new ArtifactNotFoundException(bucket, key);
        }
        if (!isTransient(e)) {
          throw new ArtifactStoreException(what + " failed: " + reason(e), e);
        }
        if (attempt >= policy.maxAttempts()) {
          throw new ArtifactStoreException(what + " failed after " + attempt + " attempt(s): " + reason(e), e);
        }
        Duration delay = policy.delayBefore(attempt);
        LOG.log(Level.WARNING, "{0}: attempt {1} of {2} failed ({3}), retrying in {4} ms", what, attempt,
            policy.maxAttempts(), reason(e), delay.toMillis());
        pause(what, delay);
      }
    }
  }

  private void pause(String what, Duration delay) {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArtifactStoreException(what + " interrupted while waiting to retry", e);
    }
  }

  /** Connection trouble, HTTP 5xx and S3's "slow down"/"internal error" codes: worth another try. */
  static boolean isTransient(Exception e) {
    if (e instanceof IOException) {
      return true;
    }
    if (e instanceof ErrorResponseException error) {
      return error.response().code() >= 500 || TRANSIENT_CODES.contains(error.errorResponse().code());
    }
    if (e instanceof ServerException server) {
      return server.statusCode() >= 500;
    }
    if (e instanceof InvalidResponseException invalid) {
      Matcher status = NON_XML_STATUS.matcher(String.valueOf(invalid.getMessage()));
      return status.find() && status.group(1).startsWith("5");
    }
    return false;
  }

  private static boolean isNotFound(Exception e) {
    return e instanceof ErrorResponseException error && NOT_FOUND_CODES.contains(error.errorResponse().code());
  }

  private static String reason(Exception e) {
    if (e instanceof ErrorResponseException error) {
      int status = error.response().code();
      String code = error.errorResponse().code();
      String hint = status == 403 ? " (check the access key, secret key and bucket policy)" : "";
      return "HTTP " + status + " " + code + ": " + error.errorResponse().message() + hint;
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
