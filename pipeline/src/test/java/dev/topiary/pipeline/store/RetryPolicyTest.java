package dev.topiary.pipeline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void doublesTheDelayUpToTheCap() {
    RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofMillis(500));
    assertEquals(Duration.ofMillis(100), policy.delayBefore(1));
    assertEquals(Duration.ofMillis(200), policy.delayBefore(2));
    assertEquals(Duration.ofMillis(400), policy.delayBefore(3));
    assertEquals(Duration.ofMillis(500), policy.delayBefore(4));
    assertEquals(Duration.ofMillis(500), policy.delayBefore(60));
  }

  @Test
  void exponentialNeverCapsBelowItsLastDelay() {
    RetryPolicy policy = RetryPolicy.exponential(4, Duration.ofMillis(10));
    assertEquals(Duration.ofMillis(40), policy.delayBefore(3));
    assertEquals(1, RetryPolicy.none().maxAttempts());
  }

  @Test
  void rejectsZeroAttemptsAndACapBelowTheBase() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
        .getMessage().startsWith("maxAttempts"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1))).getMessage().startsWith("baseDelay"));
  }
}
