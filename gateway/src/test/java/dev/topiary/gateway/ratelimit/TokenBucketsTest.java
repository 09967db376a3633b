package dev.topiary.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bucket arithmetic on a clock the test moves: burst, refill, refusal wait, give-back, independence of keys. */
class TokenBucketsTest {
  private final AtomicLong now = new AtomicLong(123_456_789L);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void refusesPastTheBurstSayingHowLongUntilTheNextToken() {
    TokenBuckets b = new TokenBuckets(6, 3, now::get); // one token every 10 s
    for (int i = 0; i < 3; i++) {
      assertEquals(Duration.ZERO, b.take("acme"), "token " + (i + 1) + " of the burst");
    }
    assertEquals(Duration.ofSeconds(10), b.take("acme"));
    advance(Duration.ofSeconds(4));
    assertEquals(Duration.ofSeconds(6), b.take("acme"), "a refusal takes nothing: the wait only shrinks with time");
    advance(Duration.ofSeconds(6));
    assertEquals(Duration.ZERO, b.take("acme"));
    assertEquals(Duration.ofSeconds(10), b.take("acme"));
  }

  @Test
  void refillsOneTokenPerIntervalAndNeverBeyondTheBurst() {
    TokenBuckets b = new TokenBuckets(60, 5, now::get);
    for (int i = 0; i < 5; i++) {
      b.take("acme");
    }
    advance(Duration.ofMillis(2500));
    assertEquals(Duration.ZERO, b.take("acme"));
    assertEquals(Duration.ZERO, b.take("acme"));
    assertEquals(Duration.ofMillis(500), b.take("acme"), "2.5 s gave two tokens and half of the third");
    advance(Duration.ofHours(1));
    for (int i = 0; i < 5; i++) {
      assertEquals(Duration.ZERO, b.take("acme"));
    }
    assertEquals(Duration.ofSeconds(1), b.take("acme"), "an hour idle fills the bucket to its burst, not to 3600");
  }

  @Test
  void keysHaveTheirOwnBuckets() {
    TokenBuckets b = new TokenBuckets(1, 2, now::get);
    b.take("acme");
    b.take("acme");
    assertEquals(Duration.ofMinutes(1), b.take("acme"));
    assertEquals(Duration.ZERO, b.take("globex"));
    assertEquals(Duration.ZERO, b.take("globex"));
    assertEquals(Duration.ofMinutes(1), b.take("globex"));
  }

  @Test
  void aTokenGivenBackCanBeTakenAgainButNeverOverfillsTheBucket() {
    TokenBuckets b = new TokenBuckets(6, 2, now::get);
    b.take("acme");
    b.take("acme");
    b.giveBack("acme");
    assertEquals(Duration.ZERO, b.take("acme"));
    assertEquals(Duration.ofSeconds(10), b.take("acme"));
    advance(Duration.ofMinutes(5));
    b.giveBack("acme");
    b.giveBack("acme");
    b.giveBack("unseen");
    assertEquals(Duration.ZERO, b.take("acme"));
    assertEquals(Duration.ZERO, b.take("acme"));
    assertEquals(Duration.ofSeconds(10), b.take("acme"), "giving back into a full bucket adds nothing");
  }

  @Test
  void worksAcrossTheNanoClocksWrap() {
    now.set(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos());
    TokenBuckets b = new TokenBuckets(6, 1, now::get);
    assertEquals(Duration.ZERO, b.take("acme"));
    assertEquals(Duration.ofSeconds(10), b.take("acme"));
    advance(Duration.ofSeconds(7)); // now past Long.MAX_VALUE, negative
    assertEquals(Duration.ofSeconds(3), b.take("acme"));
    advance(Duration.ofSeconds(3));
    assertEquals(Duration.ZERO, b.take("acme"));
  }

  @Test
  void refusesARateOrBurstBelowOne() {
    assertEquals("perMinute: must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(0, 1, now::get)).getMessage());
    assertEquals("burst: must be >= 1, got -2",
        assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(1, -2, now::get)).getMessage());
  }
}
