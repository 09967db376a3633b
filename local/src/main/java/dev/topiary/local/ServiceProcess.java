package dev.topiary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service running as a child process: {@code java <options> -jar quarkus-run.jar}, its output
 * appended to {@code <logDir>/<name>.log}. {@link #start} returns at once; {@link #awaitReady}
 * polls {@code /q/health/ready}. {@link #stop} asks it to end (SIGTERM, Quarkus shuts down
 * gracefully) and kills it after a grace period; {@link #kill} kills at once, as a crash would.
 * The child also watches this JVM ({@code topiary.parent-pid}) and ends when it ends.
 */
public final class ServiceProcess {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration GRACE = Duration.ofSeconds(20);

  private final ServiceSpec spec;
  private final Path jar;
  private final Path log;
  private final Map<String, String> properties;
  private final Map<String, String> environment;
  private final List<String> jvmOptions;
  private Process process;
  /** Whether the stack wants it running: set by {@link #start}, cleared by {@link #stop}; a crash or {@link #kill} leaves it set. */
  private boolean wanted;

  ServiceProcess(ServiceSpec spec, Path jar, Path logDir, Map<String, String> properties, Map<String, String> environment,
      List<String> jvmOptions) {
    this.spec = spec;
    this.jar = jar;
    this.log = logDir.resolve(spec.name() + ".log");
    this.properties = Map.copyOf(properties);
    this.environment = Map.copyOf(environment);
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  public ServiceSpec spec() {
    return spec;
  }

  public String url() {
    return "http://localhost:" + spec.port();
  }

  public Path log() {
    return log;
  }

  /** Starts the process (again, after {@link #stop} or {@link #kill}). */
  public synchronized void start() {
    if (isAlive()) {
      throw new IllegalStateException(spec.name() + " is already running (pid " + process.pid() + ")");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-Dquarkus.http.port=" + spec.port());
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(environment);
    try {
      Files.createDirectories(log.getParent());
      process = pb.start();
      wanted = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + spec.name() + " (" + jar + ")", e);
    }
  }

  /**
   * Waits until {@code /q/health/ready} answers 200.
   *
   * @throws IllegalStateException when the process ends first or the time runs out, naming the log
   */
  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build();
    while (true) {
      if (!isAlive()) {
        throw new IllegalStateException(spec.name() + " exited with status " + process.exitValue() + " before it was ready; see " + log);
      }
      try {
        if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + spec.name(), e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(spec.name() + " was not ready on " + url() + " after " + timeout + "; see " + log);
      }
      sleep(250);
    }
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /**
   * Whether it ended without the stack asking it to (a crash, {@code kill -9}, an out-of-memory
   * exit, or an operator's {@code kill}): what a supervisor restarts.
   */
  public synchronized boolean endedUnasked() {
    return wanted && process != null && !process.isAlive();
  }

  /** The exit status of the last run, or -1 while it runs or before it started. */
  public synchronized int exitStatus() {
    return process == null || process.isAlive() ? -1 : process.exitValue();
  }

  /** The pid of the current or last run, or -1 before it started. */
  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** The process and its descendants, while alive. */
  public synchronized List<ProcessHandle> handles() {
    if (!isAlive()) {
      return List.of();
    }
    List<ProcessHandle> out = new ArrayList<>(List.of(process.toHandle()));
    process.descendants().forEach(out::add);
    return out;
  }

  /** Asks the process to end, waits up to the grace period, then kills it. */
  public synchronized void stop() {
    wanted = false;
    if (!isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Kills the process at once (SIGKILL), as a crash would, and waits for it to end. A supervised
   * stack restarts it, as after any crash.
   */
  public synchronized void kill() {
    if (!isAlive()) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return spec.name() + "[" + url() + (isAlive() ? ", pid " + process.pid() : ", stopped") + "]";
  }
}
