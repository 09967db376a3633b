package dev.topiary.gateway.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (a tenant): each holds at most {@code burst} tokens and gains one every
 * {@code 60 s / perMinute}; a bucket not seen yet is full. Kept as the generic cell rate algorithm
 * keeps them, one number per key: the time at which the key's bucket is full again. Taking a token
 * moves that time one interval later; a take is refused, taking nothing, while it lies more than
 * {@code burst - 1} intervals ahead of now, and the refusal says how long until it will not.
 *
 * <p>Thread-safe: each key's time changes atomically. Time is read from a nanosecond clock ({@link
 * System#nanoTime} in the gateway), so that a test moves it instead of sleeping. One entry per key
 * ever seen: keys are configured tenants, a bounded set.
 */
public final class TokenBuckets {
  private final int perMinute;
  private final int burst;
  private final long intervalNanos;
  private final long toleranceNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Long> fullAt = new ConcurrentHashMap<>();

  /**
   * @param perMinute tokens gained per minute, at least 1
   * @param burst the most tokens a bucket holds, at least 1
   * @param nanoClock a monotonic clock in nanoseconds
   */
  public TokenBuckets(int perMinute, int burst, LongSupplier nanoClock) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("perMinute: must be >= 1, got " + perMinute);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst: must be >= 1, got " + burst);
    }
    this.perMinute = perMinute;
    this.burst = burst;
    this.intervalNanos = TimeUnit.MINUTES.toNanos(1) / perMinute;
    this.toleranceNanos = Math.multiplyExact(burst - 1, intervalNanos); // throws past about 290 years of tokens
    this.nanoClock = nanoClock;
  }

  public int perMinute() {
    return perMinute;
  }

  public int burst() {
    return burst;
  }

  /**
   * Takes one of the key's tokens if it has one.
   *
   * @return {@link Duration#ZERO} when a token was taken; else how long until the key has one
   */
  public Duration take(String key) {
    long now = nanoClock.getAsLong();
    long[] wait = {0};
    fullAt.compute(key, (k, at) -> {
      long from = at == null || at - now < 0 ? now : at; // differences only: nanoTime may be negative or wrap
      long ahead = from - now;
      if (ahead > toleranceNanos) {
        wait[0] = ahead - toleranceNanos;
        return at;
      }
      return from + intervalNanos;
    });
    return Duration.ofNanos(wait[0]);
  }

  /**
   * Puts back a token taken for the key (what it paid for was not done). A bucket never holds more
   * than {@code burst}: a time in the past reads as a full bucket.
   */
  public void giveBack(String key) {
    fullAt.computeIfPresent(key, (k, at) -> at - intervalNanos);
  }
}
