package dev.topiary.gateway.api;

import java.util.List;

/**
 * A refusal for the caller's rate, not its request: 429 with {@code Retry-After} (whole seconds,
 * at least 1), written by {@link ApiExceptionMapper} like every other refusal. Nothing was done.
 */
public class TooManyRequestsException extends ApiException {
  private final long retryAfterSeconds;

  public TooManyRequestsException(String field, String message, long retryAfterSeconds) {
    super(429, List.of(new ErrorBody.FieldError(field, message)));
    if (retryAfterSeconds < 1) {
      throw new IllegalArgumentException("retryAfterSeconds: must be >= 1, got " + retryAfterSeconds);
    }
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** When to try again, in seconds: the {@code Retry-After} header's value. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
