package dev.topiary.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.local.cli.TopiaryCommand;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanJson;
import dev.topiary.pipeline.plan.Submission;
import dev.topiary.pipeline.stage.StageRunner;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.service.testing.EventBus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The local stack supervises its services as Kubernetes would: a fine-tune service killed with
 * {@code kill -9} comes back by itself, a step that takes its service down every time ends its job
 * with a {@code JobFailed} naming the step while the service goes on with other jobs, an operator
 * restarts one service by hand, and no secret appears on any service's command line.
 */
class SupervisedStackTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(4);
  private static final String SPEC = "name: %s\nmodel: {zoo: lenet5}\nbaseline: {epochs: %d, optimizer: {lr: 0.05}}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: %d, testLimit: 64, batchSize: 64}\n"
      + "prune: {criterion: l1, select: {targetFlopsReduction: 0.5}}\nschedule: {mode: oneshot, finetune: {epochs: 0}}\n"
      + "eval: {batchSizes: [1]}\n";

  private static final ByteArrayOutputStream said = new ByteArrayOutputStream();
  private static LocalStack stack;
  private static ArtifactStore store;
  private static EventBus bus;

  @BeforeAll
  static void start() {
    stack = EndToEndContract.stackBuilder("supervised-run").optServices(List.of(ServiceSpec.FINETUNE))
        .optProperty("topiary.stage.max-step-crashes", "2").optSupervise(new PrintStream(said, true, StandardCharsets.UTF_8)).start();
    store = stack.store();
    bus = new EventBus(stack.bootstrapServers());
  }

  @AfterAll
  static void stop() {
    if (bus != null) {
      bus.close();
    }
    if (store != null) {
      store.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aStepThatKillsItsServiceEveryTimeEndsItsJobAndTheServiceGoesOnWithOthers() throws Exception {
    ServiceProcess finetune = stack.service(ServiceSpec.FINETUNE.name());
    int restartsBefore = stackFile().path("services").path(finetune.spec().name()).path("restarts").asInt();
    String poison = "poison";
    JobSubmitted submitted = Submission.prepare(store, poison, JobSpecs.parseYaml(SPEC.formatted(poison, 20, 6000)), Instant.now());
    JobPlan plan = PlanJson.fromBytes(store.getBytes(submitted.plan()));
    assertEquals(Stage.FINETUNE, plan.step(1).stage(), "the baseline training is the first step");
    bus.publish(submitted);

    for (int run = 1; run <= 2; run++) {
      awaitRunsStarted(poison, run);
      long pid = finetune.pid();
      Instant killed = Instant.now();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // from outside, as the OOM killer or a chaos round would
      awaitRestarted(finetune, pid);
      finetune.awaitReady(TIMEOUT);
      Instant ready = Instant.now();
      if (run == 1) {
        awaitRunsStarted(poison, 2);
        System.out.printf("recovery: killed to restarted and ready %.1f s, ready to the step running again %.1f s%n",
            seconds(killed, ready), seconds(ready, Instant.now()));
      }
    }

    JobFailed failed = bus.awaitEvents(poison, JobFailed.class, 1, TIMEOUT).get(0);
    assertEquals(StageRunner.CRASHED, failed.errorType());
    assertEquals(1, failed.stepIndex());
    assertEquals(Stage.FINETUNE, failed.stage());
    assertTrue(failed.message().startsWith("step 1 (train-baseline): 2 runs died with the finetune service"), failed.message());

    String next = "after-poison";
    bus.publish(Submission.prepare(store, next, JobSpecs.parseYaml(SPEC.formatted(next, 1, 256)), Instant.now()));
    EpochTuned epoch = bus.awaitEvents(next, EpochTuned.class, 1, TIMEOUT).get(0);
    assertEquals(1, epoch.epoch(), "the service went on with the next job");

    JsonNode entry = stackFile().path("services").path(finetune.spec().name());
    assertEquals(restartsBefore + 2, entry.path("restarts").asInt(), entry.toString());
    assertEquals("running", entry.path("state").asText());
    assertEquals(finetune.pid(), entry.path("pid").asLong());
    assertEquals(137, entry.path("lastExit").path("status").asInt(), "SIGKILL");
    String log = Files.readString(stack.runDir().resolve("logs/supervisor.log"));
    assertTrue(log.lines().filter(l -> l.contains("finetune-service (pid ") && l.contains("exited with status 137 (killed)")).count() >= 2, log);
    assertTrue(said.toString(StandardCharsets.UTF_8).contains("finetune-service restarted (pid "), "said on the terminal too");
  }

  @Test
  void anOperatorRestartsOneServiceByHandAndSeesItInTheHealthView() {
    ServiceProcess finetune = stack.service(ServiceSpec.FINETUNE.name());
    long before = finetune.pid();
    StringWriter out = new StringWriter();
    CommandLine cli = TopiaryCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    int code = cli.execute("stack", "--stack-file", stack.runDir().resolve(LocalStack.STACK_FILE).toString(),
        "--restart", finetune.spec().name());
    assertEquals(0, code, out.toString());
    assertNotEquals(before, finetune.pid());
    String view = out.toString();
    assertTrue(view.contains("ending finetune-service (pid " + before + ")"), view);
    assertTrue(view.contains("finetune-service is ready again (pid " + finetune.pid() + ")"), view);
    String row = view.lines().filter(l -> l.startsWith("finetune-service ")).reduce((a, b) -> b).orElseThrow();
    assertTrue(row.matches("finetune-service\\s+running\\s+" + finetune.pid() + "\\s+\\d+\\s+\\d+ at \\S+\\s+UP"), row);

    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("stack", "--stack-file", stack.runDir().resolve(LocalStack.STACK_FILE).toString(),
        "--restart", "no-such-service"));
    assertTrue(err.toString().contains("--restart: no service 'no-such-service'"), err.toString());
  }

  @Test
  void noSecretIsOnAnyServiceCommandLine() throws IOException {
    JsonNode file = stackFile();
    List<String> secrets = List.of(file.path("s3").path("secretKey").asText(), file.path("gateway").path("token").asText(stack.token()),
        stack.token());
    for (ServiceProcess p : stack.services()) {
      for (ProcessHandle h : p.handles()) {
        String commandLine = h.info().commandLine().orElseThrow(() -> new AssertionError("cannot read the command line of " + h.pid()));
        for (String secret : secrets) {
          assertFalse(secret.isEmpty());
          assertFalse(commandLine.contains(secret), p.spec().name() + " shows a secret in: " + commandLine);
        }
        assertFalse(commandLine.contains("secret-key") || commandLine.contains("access-key"), commandLine);
      }
    }
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(stack.runDir().resolve(LocalStack.STACK_FILE))));
  }

  private static void awaitRunsStarted(String jobId, int runs) throws InterruptedException {
    String key = Keys.attempts(jobId, 1, Stage.FINETUNE.id());
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        var ref = store.find(key);
        if (ref.isPresent() && Integer.parseInt(new String(store.getBytes(ref.get()), StandardCharsets.US_ASCII).trim()) >= runs) {
          return;
        }
      } catch (dev.topiary.pipeline.store.ArtifactIntegrityException e) {
        // rewritten between find and get by the next run: look again
      }
      Thread.sleep(100);
    }
    throw new AssertionError("run " + runs + " of " + jobId + "'s step 1 did not start within " + TIMEOUT);
  }

  private static void awaitRestarted(ServiceProcess p, long oldPid) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (p.isAlive() && p.pid() != oldPid) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(p.spec().name() + " was not restarted by the supervisor: " + said.toString(StandardCharsets.UTF_8));
  }

  private static JsonNode stackFile() throws IOException {
    return new ObjectMapper().readTree(stack.runDir().resolve(LocalStack.STACK_FILE).toFile());
  }

  private static double seconds(Instant a, Instant b) {
    return Duration.between(a, b).toMillis() / 1000.0;
  }
}
