package dev.topiary.local.cli;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Follows one job's event stream to the job's end, across gateway restarts. A broken stream, a
 * refused connection, a stream the gateway closed before the job ended, or a 503 (a gateway that
 * just started reads the topics) is not the end: it says once that it is reconnecting, then asks
 * again after a pause (doubling from {@code firstPause} to {@code maxPause}) with {@code
 * Last-Event-ID}, the id of the last event it processed, so the gateway sends only what came after.
 * An event whose id it has processed already is skipped. It gives up once the gateway has not
 * answered for {@code patience}, with a message saying how to resume.
 */
final class EventFollower {
  /** How long a gateway may be away before the client gives up, unless told otherwise, in seconds. */
  static final long DEFAULT_PATIENCE_SECONDS = 120;

  static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(DEFAULT_PATIENCE_SECONDS);

  private final GatewayClient gateway;
  private final Duration patience;
  private final Duration firstPause;
  private final Duration maxPause;
  private final Consumer<String> notice;

  /** @param notice where the one-line notices go (reconnecting, reconnected) */
  EventFollower(GatewayClient gateway, Duration patience, Duration firstPause, Duration maxPause, Consumer<String> notice) {
    if (patience.isNegative() || firstPause.isNegative() || maxPause.compareTo(firstPause) < 0) {
      throw new IllegalArgumentException("patience and pauses: expected 0 <= firstPause <= maxPause and patience >= 0, got "
          + patience + ", " + firstPause + ", " + maxPause);
    }
    this.gateway = gateway;
    this.patience = patience;
    this.firstPause = firstPause;
    this.maxPause = maxPause;
    this.notice = notice;
  }

  /** Waits of half a second, doubling up to five. */
  static EventFollower withPatience(GatewayClient gateway, Duration patience, Consumer<String> notice) {
    return new EventFollower(gateway, patience, Duration.ofMillis(500), Duration.ofSeconds(5), notice);
  }

  /**
   * Hands every event of the job to {@code show}, once each and in the stream's order, until it
   * answers true (the event ended the job) and the gateway ended the stream, or the gateway ended
   * the stream of a job that it says ended.
   *
   * @throws IllegalStateException when the gateway stayed away for longer than the patience
   * @throws GatewayClient.GatewayException when the gateway refused the stream (no such job, bad token)
   */
  void follow(String jobId, Predicate<EventStream.Event> show) {
    Set<String> processed = new HashSet<>();
    String last = null;
    boolean ended = false;
    long awaySince = 0;
    boolean away = false;
    Duration pause = firstPause;
    while (true) {
      try (EventStream stream = gateway.openEvents(jobId, last)) {
        if (away) {
          notice.accept("reconnected to the gateway at " + gateway.url());
          away = false;
          pause = firstPause;
        }
        for (EventStream.Event e = stream.next(); e != null; e = stream.next()) {
          if (e.id() == null || processed.add(e.id())) {
            ended |= show.test(e);
            last = e.id() == null ? last : e.id();
          }
        }
        if (ended || jobEnded(jobId)) {
          return;
        }
      } catch (UncheckedIOException e) {
        // the gateway is away: reconnect below
      } catch (GatewayClient.GatewayException e) {
        if (e.status() != 502 && e.status() != 503 && e.status() != 504) {
          throw e;
        }
      }
      if (ended) {
        return; // the job's end was shown; only the stream's own end was lost
      }
      if (!away) {
        away = true;
        awaySince = System.nanoTime();
        notice.accept("gateway unreachable, reconnecting (for up to " + patience.toSeconds() + " s)...");
      } else if (System.nanoTime() - awaySince >= patience.toNanos()) {
        throw new IllegalStateException("gave up following job " + jobId + ": the gateway at " + gateway.url() + " did not answer for "
            + patience.toSeconds() + " s; follow it again with ./topiary watch " + jobId);
      }
      sleep(pause);
      pause = pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
    }
  }

  /** Whether the gateway says the job ended; false when it cannot say (it is away again). */
  private boolean jobEnded(String jobId) {
    try {
      String state = gateway.job(jobId).path("state").asText();
      return state.equals("completed") || state.equals("failed") || state.equals("cancelled");
    } catch (UncheckedIOException e) {
      return false;
    } catch (GatewayClient.GatewayException e) {
      if (e.status() / 100 == 5) {
        return false;
      }
      throw e;
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to reconnect", e);
    }
  }
}
