package dev.topiary.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./topiary local} as a user runs it, in the background (an integration test: it runs this
 * module's packaged jar and {@code target/lib}, so it runs after {@code package}): it comes up, and when stopped
 * (SIGTERM, as Ctrl-C's shutdown) or killed outright (SIGKILL) no service process survives it.
 */
class LocalCommandIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void stoppingTheLauncherStopsEveryService() throws Exception {
    Path run = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "local-stop");
    Process launcher = launch(run);
    List<ProcessHandle> services = awaitServices(launcher, run);
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(run.resolve(LocalStack.STACK_FILE)), "the file holds the S3 secret");

    launcher.destroy();
    assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher ends on SIGTERM");
    assertNoneAlive(services, Duration.ofSeconds(5));
  }

  @Test
  void killingTheLauncherOutrightStillLeavesNoService() throws Exception {
    Path run = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "local-kill");
    Process launcher = launch(run);
    List<ProcessHandle> services = awaitServices(launcher, run);

    launcher.destroyForcibly();
    assertTrue(launcher.waitFor(30, TimeUnit.SECONDS));
    assertNoneAlive(services, Duration.ofSeconds(60));
  }

  private static Process launch(Path run) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("topiary").toString(), "local", "--no-gateway", "--free-ports",
        "--run-dir", run.toString()).redirectErrorStream(true).redirectOutput(run.resolve("launcher.log").toFile());
    pb.environment().put("TOPIARY_NO_BUILD", "1");
    pb.environment().put("TOPIARY_JAVA_OPTS", "-Xmx512m");
    return pb.start();
  }

  /** Waits for stack.json (written once every service is ready); returns the services' processes. */
  private static List<ProcessHandle> awaitServices(Process launcher, Path run) throws Exception {
    Path stackFile = run.resolve(LocalStack.STACK_FILE);
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!Files.exists(stackFile) || Files.size(stackFile) == 0) {
      assertTrue(launcher.isAlive(), "the launcher died: " + Files.readString(run.resolve("launcher.log")));
      assertTrue(System.nanoTime() < deadline, "no stack after 3 minutes: " + Files.readString(run.resolve("launcher.log")));
      Thread.sleep(250);
    }
    Thread.sleep(200);
    JsonNode stack = new ObjectMapper().readTree(stackFile.toFile());
    List<ProcessHandle> out = new ArrayList<>();
    stack.get("services").forEach(s -> ProcessHandle.of(s.get("pid").asLong()).ifPresent(out::add));
    assertEquals(4, out.size(), "four stage services running: " + stack);
    assertTrue(out.stream().allMatch(ProcessHandle::isAlive));
    assertTrue(out.stream().allMatch(p -> p.parent().map(ProcessHandle::pid).orElse(-1L) == launcher.pid()
        || launcher.descendants().anyMatch(d -> d.pid() == p.pid())), "the services are the launcher's children");
    return out;
  }

  private static void assertNoneAlive(List<ProcessHandle> services, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (services.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertFalse(services.stream().anyMatch(ProcessHandle::isAlive), "orphans: "
        + services.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList());
  }
}
