package dev.topiary.gateway.ratelimit;

import dev.topiary.gateway.GatewayConfig;
import dev.topiary.gateway.api.TooManyRequestsException;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Each tenant's budget of job submissions and of uploads ({@code topiary.gateway.rate-limit.*}):
 * two independent sets of {@link TokenBuckets}, one bucket per tenant in each, so that one
 * tenant's burst neither uses another's budget nor its own upload budget. A take past the budget
 * throws {@link TooManyRequestsException} (429, {@code Retry-After} in whole seconds, at least 1)
 * naming the tenant's limit. The callers give a token back when what it paid for was refused, so
 * the limits count jobs admitted and uploads stored, not attempts.
 *
 * <p>Created at start-up, so that a bad setting stops the gateway naming its key. Disabled
 * ({@code enabled=false}), every take succeeds.
 */
@ApplicationScoped
@Startup
public class TenantRateLimits {
  /** The error entry's field of a 429: the refusal is about the tenant's rate, not a part of the request. */
  public static final String FIELD = "rate-limit";
  static final String PREFIX = "topiary.gateway.rate-limit.";

  private final boolean enabled;
  private final TokenBuckets submissions;
  private final TokenBuckets uploads;

  @Inject
  public TenantRateLimits(GatewayConfig config) {
    this(config.rateLimit(), System::nanoTime);
  }

  /** @param nanoClock a monotonic clock in nanoseconds: a test's own, to move time without sleeping */
  public TenantRateLimits(GatewayConfig.RateLimit config, LongSupplier nanoClock) {
    validate(config);
    this.enabled = config.enabled();
    this.submissions = new TokenBuckets(config.submissionsPerMinute(), config.submissionBurst(), nanoClock);
    this.uploads = new TokenBuckets(config.uploadsPerMinute(), config.uploadBurst(), nanoClock);
  }

  /**
   * Refuses a rate or burst below 1, naming its key; a limit is turned off with {@code enabled=false}.
   *
   * @throws IllegalArgumentException naming the first key at fault
   */
  public static void validate(GatewayConfig.RateLimit config) {
    atLeastOne("submissions-per-minute", config.submissionsPerMinute());
    atLeastOne("submission-burst", config.submissionBurst());
    atLeastOne("uploads-per-minute", config.uploadsPerMinute());
    atLeastOne("upload-burst", config.uploadBurst());
  }

  private static void atLeastOne(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(PREFIX + key + ": must be >= 1, got " + value + " (to turn the limits off set "
          + PREFIX + "enabled=false)");
    }
  }

  public boolean enabled() {
    return enabled;
  }

  /** Takes one of the tenant's submission tokens; @throws TooManyRequestsException when it has none left */
  public void takeSubmission(String tenant) {
    take(submissions, tenant, "job submissions");
  }

  /** Gives back a submission token: the submission was refused or not published. */
  public void giveBackSubmission(String tenant) {
    if (enabled) {
      submissions.giveBack(tenant);
    }
  }

  /** Takes one of the tenant's upload tokens; @throws TooManyRequestsException when it has none left */
  public void takeUpload(String tenant) {
    take(uploads, tenant, "uploads");
  }

  /** Gives back an upload token: the upload was refused. */
  public void giveBackUpload(String tenant) {
    if (enabled) {
      uploads.giveBack(tenant);
    }
  }

  private void take(TokenBuckets buckets, String tenant, String what) {
    if (!enabled) {
      return;
    }
    Duration wait = buckets.take(tenant);
    if (!wait.isZero()) {
      long seconds = Math.max(1, (wait.toNanos() + 999_999_999L) / 1_000_000_000L);
      throw new TooManyRequestsException(FIELD, "tenant " + tenant + " is over its limit of " + buckets.perMinute() + " " + what
          + " per minute (bursts of " + buckets.burst() + "); retry in " + seconds + " s", seconds);
    }
  }
}
