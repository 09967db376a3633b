package dev.topiary.local.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.local.LocalStack;
import dev.topiary.local.ServiceProcess;
import dev.topiary.local.ServiceSpec;
import dev.topiary.local.cli.GatewayClient;
import dev.topiary.local.cli.TopiaryCommand;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanJson;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Outages of what the services depend on, on a supervised stack of every service: the Kafka
 * broker down for 30 s mid-job (then started again on the same log directory), the S3 server
 * unreachable for 30 s mid-job, and the gateway killed while a client watches the job. Each job
 * must complete and pass the chaos harness's checks ({@link RoundChecks}); the client must see
 * every event once.
 */
class OutageTest {
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofMinutes(6);

  private static LocalStack stack;
  private static ArtifactStore store;
  private static GatewayClient gateway;

  @BeforeAll
  static void start() throws Exception {
    Path run = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "outage-run-");
    stack = ChaosCommand.builder(Path.of("..").toAbsolutePath().normalize(), run).optSupervise(System.out).start();
    store = stack.store();
    gateway = new GatewayClient(stack.service(ServiceSpec.GATEWAY.name()).url(), stack.token());
  }

  @AfterAll
  static void stop() {
    if (store != null) {
      store.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aJobRidesOutABrokerOutageOfThirtySeconds() throws Exception {
    String jobId = submitAndAwaitTraining("broker-outage");
    stack.stopBroker();
    Thread.sleep(OUTAGE.toMillis());
    stack.restartBroker();
    assertCompletedAndChecked(jobId);
  }

  @Test
  void aJobRidesOutAStoreOutageOfThirtySeconds() throws Exception {
    String jobId = submitAndAwaitTraining("store-outage");
    stack.stopStore();
    Thread.sleep(OUTAGE.toMillis());
    stack.restartStore();
    assertCompletedAndChecked(jobId);
  }

  @Test
  void aWatchingClientFollowsTheJobAcrossAGatewayRestartAndMissesNothing() throws Exception {
    String jobId = submitAndAwaitTraining("gateway-restart");
    ServiceProcess gw = stack.service(ServiceSpec.GATEWAY.name());
    ByteArrayOutputStream watched = new ByteArrayOutputStream();
    PrintStream original = System.out;
    AtomicInteger exit = new AtomicInteger(-1);
    Thread watcher = new Thread(() -> exit.set(TopiaryCommand.commandLine().execute("watch", jobId, "--url", gw.url(), "--token",
        stack.token())));
    System.setOut(new PrintStream(watched, true, StandardCharsets.UTF_8));
    try {
      watcher.start();
      Thread.sleep(1500);
      ProcessHandle.of(gw.pid()).ifPresent(ProcessHandle::destroyForcibly);
      watcher.join(TIMEOUT.toMillis());
    } finally {
      System.setOut(original);
    }
    String text = watched.toString(StandardCharsets.UTF_8);
    original.println(text);
    assertEquals(0, exit.get(), "watch ended with the completed job: " + text);
    assertTrue(text.contains("reconnecting"), "said it was reconnecting: " + text);
    // every epoch of the baseline (3) and the fine-tune (2) shown exactly once, and both evaluations
    for (String epoch : List.of("epoch 1/3", "epoch 2/3", "epoch 3/3")) {
      assertEquals(1, text.lines().filter(l -> l.contains(" 1 ") && l.contains(epoch)).count(), epoch + " of step 1 in: " + text);
    }
    for (String epoch : List.of("epoch 1/2", "epoch 2/2")) {
      assertEquals(1, text.lines().filter(l -> l.contains(" 5 ") && l.contains(epoch)).count(), epoch + " of step 5 in: " + text);
    }
    assertEquals(2, text.lines().filter(l -> l.contains("top-1 ")).count(), "the baseline and final evaluations once each: " + text);
    assertCompletedAndChecked(jobId);
  }

  /** Submits the chaos harness's job and waits until its baseline training has started. */
  private static String submitAndAwaitTraining(String name) throws InterruptedException {
    String jobId = gateway.submit(ChaosRun.SPEC.formatted(name), true).path("jobId").asText();
    String started = Keys.attempts(jobId, 1, Stage.FINETUNE.id());
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!store.exists(started)) {
      assertTrue(System.nanoTime() < deadline, "the baseline training of " + jobId + " did not start");
      Thread.sleep(50);
    }
    return jobId;
  }

  private static void assertCompletedAndChecked(String jobId) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    String state = "";
    while (System.nanoTime() < deadline) {
      try {
        state = gateway.job(jobId).path("state").asText();
      } catch (RuntimeException e) {
        state = "unreachable"; // the gateway is restarting or catching up
      }
      if (state.equals("completed") || state.equals("failed") || state.equals("cancelled")) {
        break;
      }
      Thread.sleep(500);
    }
    assertEquals("completed", state, jobId);
    JobPlan plan = PlanJson.fromBytes(store.getBytes(store.find(Keys.plan(jobId)).orElseThrow()));
    RoundChecks.Outcome o = RoundChecks.check(jobId, plan, JobRecords.read(stack.bootstrapServers(), jobId), store, null);
    assertTrue(o.passed(), o.problems().toString());
  }
}
