package dev.topiary.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Restarts the stack's services that end without being asked to (a crash, {@code kill -9}, an
 * out-of-memory exit, an operator's {@code kill}), as Kubernetes restarts a pod: after 1 s, then
 * doubling up to {@link #MAX_BACKOFF} while the service keeps ending within {@link #STABLE} of its
 * start; a service that ran that long starts again after 1 s. Every restart is one line on the
 * given stream and in {@code <logDir>/supervisor.log}, and {@link #status} feeds {@code stack.json}.
 *
 * <p>One daemon thread polls every {@link #POLL}; {@link #close} stops it before the stack stops
 * its services, so a deliberate stop is never taken for a crash.
 */
final class Supervisor implements AutoCloseable {
  static final Duration POLL = Duration.ofMillis(250);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  static final Duration STABLE = Duration.ofSeconds(60);

  /**
   * What the supervisor knows of one service.
   *
   * @param restarts how many times it was started again
   * @param lastExit the exit status of the last unasked end, or null if none
   * @param lastExitAt when that end was seen
   * @param restartAt when the next start is due while it is down, else null
   */
  record Status(int restarts, Integer lastExit, Instant lastExitAt, Instant restartAt) {
    static final Status FRESH = new Status(0, null, null, null);

    String state(ServiceProcess p) {
      return p.isAlive() ? "running" : restartAt != null ? "restarting" : "stopped";
    }
  }

  private final List<ServiceProcess> services;
  private final Runnable changed;
  private final PrintStream out;
  private final Path log;
  private final Clock clock;
  private final Map<String, Status> status = new LinkedHashMap<>();
  private final Map<String, Instant> startedAt = new LinkedHashMap<>();
  private final Map<String, Duration> backoff = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param changed called (on the supervisor's thread) after a service ended or was started again
   * @param out where restart lines go besides the log file (the terminal of {@code ./topiary local})
   */
  Supervisor(List<ServiceProcess> services, Path logDir, PrintStream out, Runnable changed, Clock clock) {
    this.services = List.copyOf(services);
    this.changed = changed;
    this.out = out;
    this.log = logDir.resolve("supervisor.log");
    this.clock = clock;
    Instant now = clock.instant();
    for (ServiceProcess p : services) {
      status.put(p.spec().name(), Status.FRESH);
      startedAt.put(p.spec().name(), now);
      backoff.put(p.spec().name(), FIRST_BACKOFF);
    }
    thread = new Thread(this::loop, "local-stack-supervisor");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  synchronized Status status(String service) {
    return status.getOrDefault(service, Status.FRESH);
  }

  private void loop() {
    while (running) {
      boolean any = false;
      for (ServiceProcess p : services) {
        if (running) {
          any |= check(p);
        }
      }
      if (any && running) {
        changed.run();
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One look at one service: notes an unasked end, starts it again when due. Whether anything changed. */
  private boolean check(ServiceProcess p) {
    String name = p.spec().name();
    Instant now = clock.instant();
    Status s;
    synchronized (this) {
      s = status.get(name);
    }
    if (!p.endedUnasked()) {
      return false;
    }
    if (s.restartAt() == null) {
      Duration ran = Duration.between(startedAt.get(name), now);
      Duration pause = ran.compareTo(STABLE) >= 0 ? FIRST_BACKOFF : backoff.get(name);
      backoff.put(name, min(pause.multipliedBy(2), MAX_BACKOFF));
      int exit = p.exitStatus();
      record(name, new Status(s.restarts(), exit, now, now.plus(pause)));
      say("%s (pid %d) exited with status %d%s after %ds; restarting in %ds", name, p.pid(), exit, describe(exit),
          ran.toSeconds(), pause.toSeconds());
      return true;
    }
    if (now.isBefore(s.restartAt())) {
      return false;
    }
    try {
      p.start();
      startedAt.put(name, now);
      record(name, new Status(s.restarts() + 1, s.lastExit(), s.lastExitAt(), null));
      say("%s restarted (pid %d, restart %d); log %s", name, p.pid(), s.restarts() + 1, p.log());
    } catch (RuntimeException e) {
      Duration pause = backoff.get(name);
      backoff.put(name, min(pause.multipliedBy(2), MAX_BACKOFF));
      record(name, new Status(s.restarts(), s.lastExit(), s.lastExitAt(), now.plus(pause)));
      say("%s could not be started again (%s); next try in %ds", name, e.getMessage(), pause.toSeconds());
    }
    return true;
  }

  private synchronized void record(String name, Status s) {
    status.put(name, s);
  }

  private static String describe(int exit) {
    return exit == 137 ? " (killed)" : exit == 143 ? " (terminated)" : exit == 3 ? " (out of memory)" : "";
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void say(String format, Object... args) {
    String line = clock.instant() + " supervisor: " + String.format(format, args);
    out.println(line);
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + log, e);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
