package dev.topiary.engine.data;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of a {@link StreamingLoader} over all its epochs, thread-safe: how long the consumer
 * waited for a batch that was not ready, how many batches it took, and the most batches that were
 * ever decoded and waiting at once (never more than the prefetch bound).
 */
public final class LoaderStats {
  private final AtomicLong waitNanos = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicInteger peakReady = new AtomicInteger();

  /** Total time the consuming thread was blocked on the queue, in nanoseconds. */
  public long waitNanos() {
    return waitNanos.get();
  }

  /** Batches handed to the consumer. */
  public long batches() {
    return batches.get();
  }

  /** The largest number of finished batches waiting for the consumer at one time. */
  public int peakReady() {
    return peakReady.get();
  }

  /** A batch finished; {@code waiting} batches (this one included) now wait for the consumer. */
  void batchReady(int waiting) {
    peakReady.accumulateAndGet(waiting, Math::max);
  }

  void batchTaken(long waitedNanos) {
    batches.incrementAndGet();
    waitNanos.addAndGet(waitedNanos);
  }
}
