package dev.topiary.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.topiary.gateway.GatewayConfig;
import dev.topiary.gateway.GatewayConfigs;
import dev.topiary.gateway.api.ErrorBody;
import dev.topiary.gateway.api.TooManyRequestsException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The gateway's two budgets per tenant: the 429 they throw, their independence, turning them off, and the settings' checks. */
class TenantRateLimitsTest {
  private final AtomicLong now = new AtomicLong();

  @Test
  void refusesPastTheBurstWithRetryAfterInWholeSecondsNamingTheLimit() {
    TenantRateLimits limits = new TenantRateLimits(GatewayConfigs.rateLimit(true, 6, 2, 60, 20), now::get);
    limits.takeSubmission("acme");
    limits.takeSubmission("acme");
    now.addAndGet(Duration.ofMillis(500).toNanos());
    TooManyRequestsException e = assertThrows(TooManyRequestsException.class, () -> limits.takeSubmission("acme"));
    assertEquals(429, e.status());
    assertEquals(10, e.retryAfterSeconds(), "9.5 s rounds up to whole seconds");
    assertEquals(List.of(new ErrorBody.FieldError("rate-limit",
        "tenant acme is over its limit of 6 job submissions per minute (bursts of 2); retry in 10 s")), e.errors());
    now.addAndGet(Duration.ofMillis(9_499).toNanos());
    assertEquals(1, assertThrows(TooManyRequestsException.class, () -> limits.takeSubmission("acme")).retryAfterSeconds(),
        "never 0: a client told to retry in 0 s would spin");
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertDoesNotThrow(() -> limits.takeSubmission("acme"));
  }

  @Test
  void tenantsAndSubmissionsAndUploadsHaveSeparateBudgets() {
    TenantRateLimits limits = new TenantRateLimits(GatewayConfigs.rateLimit(true, 1, 1, 1, 1), now::get);
    limits.takeSubmission("acme");
    assertThrows(TooManyRequestsException.class, () -> limits.takeSubmission("acme"));
    assertDoesNotThrow(() -> limits.takeUpload("acme"));
    assertDoesNotThrow(() -> limits.takeSubmission("globex"));
    TooManyRequestsException e = assertThrows(TooManyRequestsException.class, () -> limits.takeUpload("acme"));
    assertEquals("tenant acme is over its limit of 1 uploads per minute (bursts of 1); retry in 60 s", e.errors().get(0).message());
    limits.giveBackUpload("acme");
    assertDoesNotThrow(() -> limits.takeUpload("acme"));
  }

  @Test
  void turnedOffNeverRefuses() {
    TenantRateLimits limits = new TenantRateLimits(GatewayConfigs.rateLimit(false, 1, 1, 1, 1), now::get);
    for (int i = 0; i < 1000; i++) {
      limits.takeSubmission("acme");
      limits.takeUpload("acme");
    }
    assertFalse(limits.enabled());
  }

  @Test
  void refusesRatesAndBurstsBelowOneNamingTheKey() {
    Map<String, Function<Integer, GatewayConfig.RateLimit>> keys = Map.of(
        "submissions-per-minute", v -> GatewayConfigs.rateLimit(true, v, 20, 60, 20),
        "submission-burst", v -> GatewayConfigs.rateLimit(true, 60, v, 60, 20),
        "uploads-per-minute", v -> GatewayConfigs.rateLimit(true, 60, 20, v, 20),
        "upload-burst", v -> GatewayConfigs.rateLimit(false, 60, 20, 60, v));
    keys.forEach((key, config) -> {
      for (int bad : new int[] {-1, 0}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TenantRateLimits(config.apply(bad), now::get));
        assertEquals("topiary.gateway.rate-limit." + key + ": must be >= 1, got " + bad
            + " (to turn the limits off set topiary.gateway.rate-limit.enabled=false)", e.getMessage());
      }
    });
    assertDoesNotThrow(() -> new TenantRateLimits(GatewayConfigs.of(Map.of(), null)));
  }
}
