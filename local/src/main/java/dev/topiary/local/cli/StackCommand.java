package dev.topiary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.local.LocalStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./topiary stack}: the health view of the running local stack. Reads {@code stack.json},
 * which {@code ./topiary local} keeps current, and asks each service's {@code /q/health/ready}:
 * one line per service with its state, pid, restarts, last unasked exit and readiness. {@code
 * --restart NAME} restarts one service by hand: it ends the process (SIGTERM, a graceful shutdown)
 * and the stack's supervisor starts it again, as after a crash; the command waits until it is ready.
 */
@Command(name = "stack", mixinStandardHelpOptions = true,
    description = "The local stack's services: state, pid, restarts, last exit and readiness; --restart NAME restarts one.")
public final class StackCommand implements Callable<Integer> {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Option(names = "--stack-file", defaultValue = "${sys:topiary.root:-.}/.run/local/" + LocalStack.STACK_FILE,
      description = "The stack's stack.json (default: the checkout's .run/local/stack.json).")
  Path stackFile;

  @Option(names = "--restart", paramLabel = "SERVICE", description = "Restart this service (e.g. finetune-service) and wait until it is ready.")
  String restart;

  @Option(names = "--timeout", defaultValue = "PT2M", description = "How long --restart waits for the service (ISO-8601, default PT2M).")
  Duration timeout;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (restart != null) {
      restart(out);
    }
    JsonNode services = read().path("services");
    out.printf(Locale.ROOT, "%-18s %-11s %8s %9s  %-28s %s%n", "service", "state", "pid", "restarts", "last exit", "ready");
    boolean allReady = true;
    for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode s = e.getValue();
      String ready = ready(s.path("url").asText());
      allReady &= ready.equals("UP");
      JsonNode exit = s.path("lastExit");
      String lastExit = exit.isMissingNode() ? "-" : exit.path("status").asText() + " at " + exit.path("at").asText();
      out.printf(Locale.ROOT, "%-18s %-11s %8s %9d  %-28s %s%n", e.getKey(), s.path("state").asText("unknown"),
          s.path("pid").asLong() > 0 ? s.path("pid").asText() : "-", s.path("restarts").asInt(), lastExit, ready);
    }
    out.flush();
    return allReady ? 0 : 1;
  }

  private void restart(PrintWriter out) throws IOException, InterruptedException {
    JsonNode entry = read().path("services").path(restart);
    if (entry.isMissingNode()) {
      throw new IllegalArgumentException("--restart: no service '" + restart + "' in " + stackFile + "; it lists "
          + names(read().path("services")));
    }
    if (!entry.path("supervised").asBoolean()) {
      throw new IllegalArgumentException("--restart: " + restart + " is not supervised (a stack started by a test or a benchmark); "
          + "stop that stack and start ./topiary local");
    }
    long pid = entry.path("pid").asLong();
    ProcessHandle process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).orElseThrow(() ->
        new IllegalStateException("--restart: " + restart + " is not running (pid " + pid + "); the supervisor is starting it"));
    out.println("ending " + restart + " (pid " + pid + "); the supervisor starts it again ...");
    out.flush();
    process.destroy();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode now = read().path("services").path(restart);
      long newPid = now.path("pid").asLong();
      if (newPid > 0 && newPid != pid && ready(now.path("url").asText()).equals("UP")) {
        out.println(restart + " is ready again (pid " + newPid + ")");
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("--restart: " + restart + " was not ready again after " + timeout + "; see "
        + read().path("services").path(restart).path("log").asText());
  }

  private JsonNode read() throws IOException {
    if (!Files.isReadable(stackFile)) {
      throw new IllegalStateException("no local stack: " + stackFile + " does not exist (start one with ./topiary local)");
    }
    return new ObjectMapper().readTree(stackFile.toFile());
  }

  private static String names(JsonNode services) {
    StringBuilder sb = new StringBuilder();
    services.fieldNames().forEachRemaining(n -> sb.append(sb.length() == 0 ? "" : ", ").append(n));
    return sb.toString();
  }

  /** UP, DOWN (answered, not ready) or unreachable. */
  private static String ready(String url) {
    try {
      int code = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
      return code == 200 ? "UP" : "DOWN (" + code + ")";
    } catch (IOException e) {
      return "unreachable";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unreachable";
    }
  }
}
