package dev.topiary.local.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topiary.local.LocalStack;
import dev.topiary.local.ServiceProcess;
import dev.topiary.local.ServiceSpec;
import dev.topiary.local.cli.GatewayClient;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanJson;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.stage.StageRunner;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The chaos harness: on a supervised local stack, each round submits the same small seeded job
 * through the gateway, kills one process ({@code kill -9}) at a random moment of a random step
 * (rank, prune, finetune or eval service, the gateway, or two of them at once), lets the stack's
 * supervisor restart it as Kubernetes would, and checks the job with {@link RoundChecks} against
 * an undisturbed run of the same job made first. Targets come in shuffled cycles of the six
 * kinds, so that 20 rounds kill every service at least three times. Reproducible from its seed
 * (what is killed and when; the moment a step starts depends on the machine).
 */
public final class ChaosRun {
  /** What a round kills. */
  enum Target {
    RANK(ServiceSpec.RANK), PRUNE(ServiceSpec.PRUNE), FINETUNE(ServiceSpec.FINETUNE), EVAL(ServiceSpec.EVAL),
    GATEWAY(ServiceSpec.GATEWAY), TWO_AT_ONCE(null);

    final ServiceSpec service;

    Target(ServiceSpec service) {
      this.service = service;
    }
  }

  /** One round as the summary table shows it. */
  public record Round(int index, String jobId, List<String> killed, int step, String stepKind, String moment, double seconds,
      int duplicates, List<String> problems) {
    public boolean passed() {
      return problems.isEmpty();
    }
  }

  /** A small job that runs every stage: train a LeNet-5, evaluate, rank, cut, fine-tune, evaluate. */
  static final String SPEC = "name: %s\nseed: 7\nmodel: {zoo: lenet5}\nbaseline: {epochs: 3, optimizer: {lr: 0.05}}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: 3072, testLimit: 512, batchSize: 64}\n"
      + "prune: {criterion: l1, select: {targetFlopsReduction: 0.5, roundTo: 1}}\n"
      + "schedule: {mode: oneshot, finetune: {epochs: 2, optimizer: {lr: 0.01}}}\neval: {batchSizes: [1]}\n";
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(8);
  /** Kills land within this long after the step started: inside training and evaluation steps, mostly after the quick ones. */
  private static final long MAX_DELAY_MS = 3000;

  private final LocalStack stack;
  private final ArtifactStore store;
  private final GatewayClient gateway;
  private final Random random;
  private final PrintStream out;

  public ChaosRun(LocalStack stack, ArtifactStore store, long seed, PrintStream out) {
    this.stack = stack;
    this.store = store;
    this.gateway = new GatewayClient(stack.service(ServiceSpec.GATEWAY.name()).url(), stack.token());
    this.random = new Random(seed);
    this.out = out;
  }

  /** Runs the undisturbed reference, then {@code rounds} rounds; prints the table and returns the rounds. */
  public List<Round> run(int rounds) throws InterruptedException {
    out.println("chaos: an undisturbed run of the job first, for its figures ...");
    String reference = submit("chaos-reference");
    awaitEnd(reference);
    JobPlan refPlan = plan(reference);
    RoundChecks.Outcome ref = RoundChecks.check(reference, refPlan, JobRecords.read(stack.bootstrapServers(), reference), store, null);
    if (!ref.passed()) {
      throw new IllegalStateException("the undisturbed run did not pass its own checks: " + ref.problems());
    }
    out.println("chaos: undisturbed run " + reference + ": " + ref.figures());
    List<Target> targets = targets(rounds);
    List<Round> done = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      Round r = round(i + 1, targets.get(i), ref.figures());
      done.add(r);
      out.printf(Locale.ROOT, "chaos: round %d: killed %s at step %d (%s) %s; %s in %.0f s%n", r.index(), String.join(" and ", r.killed()),
          r.step(), r.stepKind(), r.moment(), r.passed() ? "passed" : "FAILED " + r.problems(), r.seconds());
    }
    print(done);
    return done;
  }

  private Round round(int index, Target target, RoundChecks.Figures expected) throws InterruptedException {
    long start = System.nanoTime();
    String jobId = submit("chaos-" + index);
    JobPlan plan = plan(jobId);
    List<ServiceProcess> victims = victims(target);
    PlanStep step = step(plan, victims.get(0).spec());
    String started = Keys.attempts(jobId, step.index(), step.stage().id());
    String finished = Keys.step(jobId, step.index(), step.stage().id(), StageRunner.EVENT_FILE);
    awaitObject(started, finished);
    long delay = (long) (random.nextDouble() * MAX_DELAY_MS);
    Thread.sleep(delay);
    String moment = store.exists(finished) ? "after it ended" : delay + " ms into it";
    List<Long> pids = victims.stream().map(ServiceProcess::pid).toList();
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    String end = awaitEnd(jobId);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < victims.size(); i++) {
      awaitRestarted(victims.get(i), pids.get(i), problems); // the next round starts with every service up
    }
    if (!end.equals("completed")) {
      problems.add("the job ended " + end);
    }
    RoundChecks.Outcome o = RoundChecks.check(jobId, plan, JobRecords.read(stack.bootstrapServers(), jobId), store, expected);
    problems.addAll(o.problems());
    return new Round(index, jobId, victims.stream().map(v -> v.spec().name()).toList(), step.index(), step.kind().id(), moment,
        (System.nanoTime() - start) / 1e9, o.duplicates(), problems);
  }

  /** Shuffled cycles of every target kind. */
  private List<Target> targets(int rounds) {
    List<Target> out = new ArrayList<>();
    while (out.size() < rounds) {
      List<Target> cycle = new ArrayList<>(List.of(Target.values()));
      Collections.shuffle(cycle, random);
      out.addAll(cycle);
    }
    return out.subList(0, rounds);
  }

  private List<ServiceProcess> victims(Target target) {
    if (target != Target.TWO_AT_ONCE) {
      return List.of(stack.service(target.service.name()));
    }
    List<ServiceSpec> all = new ArrayList<>(ServiceSpec.ALL);
    Collections.shuffle(all, random);
    return List.of(stack.service(all.get(0).name()), stack.service(all.get(1).name()));
  }

  /** A random step of the service's stage; for the gateway, of any stage. */
  private PlanStep step(JobPlan plan, ServiceSpec service) {
    List<PlanStep> candidates = plan.steps().stream()
        .filter(s -> service.name().equals(ServiceSpec.GATEWAY.name()) || (s.stage().id() + "-service").equals(service.name())).toList();
    if (candidates.isEmpty()) {
      throw new IllegalStateException("chaos: the job's plan has no step for " + service.name());
    }
    return candidates.get(random.nextInt(candidates.size()));
  }

  private String submit(String name) {
    JsonNode accepted = retrying(() -> gateway.submit(SPEC.formatted(name), true));
    return accepted.path("jobId").asText();
  }

  private JobPlan plan(String jobId) {
    return PlanJson.fromBytes(store.getBytes(store.find(Keys.plan(jobId)).orElseThrow()));
  }

  /** The job's final state from the gateway, asking again while it restarts; "timed out" past the limit. */
  private String awaitEnd(String jobId) throws InterruptedException {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        String state = gateway.job(jobId).path("state").asText();
        if (state.equals("completed") || state.equals("failed") || state.equals("cancelled")) {
          return state;
        }
      } catch (RuntimeException e) {
        // the gateway is restarting, or its view is catching up (404): ask again
      }
      Thread.sleep(500);
    }
    return "timed out after " + JOB_TIMEOUT;
  }

  /** Waits until the stack's supervisor has started {@code p} again and it is ready; a problem if not in time. */
  private static void awaitRestarted(ServiceProcess p, long killedPid, List<String> problems) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!(p.isAlive() && p.pid() != killedPid)) {
      if (System.nanoTime() > deadline) {
        problems.add(p.spec().name() + " was not restarted within 3 min");
        return;
      }
      Thread.sleep(100);
    }
    try {
      p.awaitReady(Duration.ofMinutes(3));
    } catch (IllegalStateException e) {
      problems.add(p.spec().name() + " did not become ready again: " + e.getMessage());
    }
  }

  private void awaitObject(String key, String orKey) throws InterruptedException {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (store.exists(key) || store.exists(orKey)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("chaos: " + key + " did not appear within " + JOB_TIMEOUT);
  }

  /** Submits through the gateway, asking again while it restarts (a previous round may have killed it). */
  private static JsonNode retrying(java.util.function.Supplier<JsonNode> call) {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private void print(List<Round> rounds) {
    out.println();
    out.printf(Locale.ROOT, "%5s  %-36s  %-5s  %-15s  %-18s  %7s  %4s  %s%n", "round", "killed", "step", "kind", "moment", "seconds",
        "dups", "result");
    Map<String, Integer> kills = new LinkedHashMap<>();
    ServiceSpec.ALL.forEach(s -> kills.put(s.name(), 0));
    for (Round r : rounds) {
      r.killed().forEach(k -> kills.merge(k, 1, Integer::sum));
      out.printf(Locale.ROOT, "%5d  %-36s  %-5d  %-15s  %-18s  %7.0f  %4d  %s%n", r.index(), String.join(" + ", r.killed()), r.step(),
          r.stepKind(), r.moment(), r.seconds(), r.duplicates(), r.passed() ? "passed" : "FAILED: " + String.join("; ", r.problems()));
    }
    out.println("kills: " + kills);
    long passed = rounds.stream().filter(Round::passed).count();
    out.println(passed + " passed, " + (rounds.size() - passed) + " failed");
  }
}
