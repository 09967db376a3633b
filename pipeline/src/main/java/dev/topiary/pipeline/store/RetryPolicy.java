package dev.topiary.pipeline.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently to retry a transient S3 failure (connection refused or reset,
 * timeout, HTTP 5xx, SlowDown): up to {@code maxAttempts} attempts in all, waiting
 * {@code baseDelay * 2^(n-1)} before retry {@code n}, never more than {@code maxDelay}. No jitter,
 * so tests are deterministic. Access denied, missing objects and integrity failures are never
 * retried.
 *
 * @param maxAttempts attempts in all, at least 1 (1 means no retry)
 * @param baseDelay the wait before the first retry
 * @param maxDelay the longest single wait
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
  /** 5 attempts, 200 ms doubling up to 5 s: rides out a restart of the S3 endpoint of about 3 s. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(5));

  public RetryPolicy {
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException("baseDelay must be >= 0 and maxDelay >= baseDelay, got " + baseDelay
          + " and " + maxDelay);
    }
  }

  /** {@code maxAttempts} attempts, waiting {@code baseDelay}, then twice that, and so on (no cap). */
  public static RetryPolicy exponential(int maxAttempts, Duration baseDelay) {
    return new RetryPolicy(maxAttempts, baseDelay, baseDelay.multipliedBy(1L << Math.min(30, Math.max(0, maxAttempts - 2))));
  }

  /** A single attempt. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /** The wait before retry {@code retry} (1 for the first retry). */
  public Duration delayBefore(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be >= 1, got " + retry);
    }
    Duration delay = baseDelay.multipliedBy(1L << Math.min(30, retry - 1));
    return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
  }
}
