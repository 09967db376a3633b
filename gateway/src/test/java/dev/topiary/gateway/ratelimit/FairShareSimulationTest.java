package dev.topiary.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.GatewayConfig;
import dev.topiary.gateway.GatewayConfigs;
import dev.topiary.gateway.api.TooManyRequestsException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Fair share past admission, simulated on a virtual clock with the gateway's own {@link
 * TenantRateLimits}: tenant A submits 80 jobs and tenant B 2 at the same moment (B's last, the
 * worst case), A's client sending each refused one again after its {@code Retry-After}. Admitted
 * jobs then queue for the first stage in admission order, per partition of their job id (Kafka's
 * default partitioner), each taking {@link #STEP} of one consumer. B's wait is from its
 * submission to the start of its job's first step.
 */
class FairShareSimulationTest {
  private static final Logger LOG = Logger.getLogger(FairShareSimulationTest.class);
  /** The first step of a job (a small model's baseline training). */
  private static final Duration STEP = Duration.ofMinutes(2);
  private static final int A_JOBS = 80;
  private static final int B_JOBS = 2;

  /** A job admitted: its tenant, id, and when, in nanoseconds from the common start. */
  private record Admitted(String tenant, String jobId, long at) {}

  /** A submission waiting to be sent (again), in the order the clients send them. */
  private record Pending(long at, int order, String tenant, String jobId) {}

  @Test
  void withTheDefaultLimitTheSmallTenantWaitsBehindABurstNotBehindEverything() {
    List<Admitted> unlimited = admit(null);
    List<Admitted> limited = admit(GatewayConfigs.rateLimit(true, 60, 20, 60, 20));

    assertEquals(A_JOBS, ahead(unlimited), "without the limit all of A's jobs are admitted before B's");
    assertEquals(20, ahead(limited), "with it, A's burst only");
    assertEquals(0, bWaitAtAdmission(unlimited));
    assertEquals(0, bWaitAtAdmission(limited));
    assertEquals(Duration.ofSeconds(60).toNanos(), limited.stream().mapToLong(Admitted::at).max().orElseThrow(),
        "A's other 60 jobs come in at one a second");
    for (int partitions : new int[] {1, 6}) {
      Duration off = bWaitToStart(unlimited, partitions);
      Duration on = bWaitToStart(limited, partitions);
      LOG.infof("%d partition(s), %s per first step: B's jobs start after %s without the limit, %s with 60/min bursts of 20",
          partitions, STEP, off, on);
      assertTrue(on.compareTo(off) < 0, partitions + " partitions: " + on + " against " + off);
      assertTrue(on.compareTo(STEP.multipliedBy(20 + B_JOBS - 1)) <= 0, "B waits behind A's burst at most: " + on);
    }
    assertEquals(STEP.multipliedBy(A_JOBS + 1), bWaitToStart(unlimited, 1), "one queue: B's second job behind all 80 of A's and B's first");
    assertEquals(STEP.multipliedBy(20 + 1), bWaitToStart(limited, 1), "one queue: behind 20 of A's and B's first");
  }

  /** Every job admitted, in admission order; {@code config} null admits each at once. */
  private static List<Admitted> admit(GatewayConfig.RateLimit config) {
    AtomicLong clock = new AtomicLong();
    TenantRateLimits limits = config == null ? null : new TenantRateLimits(config, clock::get);
    Random ids = new Random(16);
    PriorityQueue<Pending> queue = new PriorityQueue<>(Comparator.comparingLong(Pending::at).thenComparingInt(Pending::order));
    for (int i = 0; i < A_JOBS + B_JOBS; i++) {
      queue.add(new Pending(0, i, i < A_JOBS ? "a" : "b", new UUID(ids.nextLong(), ids.nextLong()).toString()));
    }
    List<Admitted> admitted = new ArrayList<>();
    int order = queue.size();
    while (!queue.isEmpty()) {
      Pending p = queue.poll();
      clock.set(p.at());
      try {
        if (limits != null) {
          limits.takeSubmission(p.tenant());
        }
        admitted.add(new Admitted(p.tenant(), p.jobId(), p.at()));
      } catch (TooManyRequestsException e) {
        queue.add(new Pending(p.at() + Duration.ofSeconds(e.retryAfterSeconds()).toNanos(), order++, p.tenant(), p.jobId()));
      }
    }
    return admitted;
  }

  /** How many of A's jobs were admitted before B's first. */
  private static long ahead(List<Admitted> admitted) {
    return admitted.stream().takeWhile(a -> a.tenant().equals("a")).count();
  }

  private static long bWaitAtAdmission(List<Admitted> admitted) {
    return admitted.stream().filter(a -> a.tenant().equals("b")).mapToLong(Admitted::at).max().orElseThrow();
  }

  /** The longest wait of B's jobs from submission (time 0) to the start of their first step, one consumer per partition. */
  private static Duration bWaitToStart(List<Admitted> admitted, int partitions) {
    long[] free = new long[partitions];
    long longest = 0;
    for (Admitted a : admitted) {
      int p = Utils.toPositive(Utils.murmur2(a.jobId().getBytes(StandardCharsets.UTF_8))) % partitions;
      long start = Math.max(a.at(), free[p]);
      free[p] = start + STEP.toNanos();
      if (a.tenant().equals("b")) {
        longest = Math.max(longest, start);
      }
    }
    return Duration.ofNanos(longest);
  }
}
