package dev.topiary.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topiary.local.LocalStack;
import dev.topiary.local.ServiceProcess;
import dev.topiary.local.ServiceSpec;
import dev.topiary.local.cli.EventStream;
import dev.topiary.local.cli.GatewayClient;
import dev.topiary.pipeline.event.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load run of issue 16 on the local stack: {@code --instances} instances of every stage
 * service in their consumer groups, {@code --jobs} small jobs submitted at once by {@code
 * --tenants} tenants through the gateway. Prints jobs per minute, the p50 and p99 of submission
 * latency and of the delay from a stage's event to the gateway's stream, each service's peak
 * resident memory ({@code VmHWM}), and writes the consumer groups' lag over time as CSV and SVG
 * ({@link LagSampler}). Then the cold start of scale-to-zero: the fine-tune instances stopped, one
 * job submitted, a fine-tune service started on demand; its wait to the first epoch against a
 * warm job's.
 */
@Command(name = "load-bench", mixinStandardHelpOptions = true, description = "Many small jobs from several tenants at once.")
public final class LoadBench implements Callable<Integer> {
  static final String SPEC = "name: load-%d\nseed: 1\nmodel: {zoo: lenet5}\nbaseline: {epochs: 1, optimizer: {lr: 0.05}}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: 512, testLimit: 128, batchSize: 64}\n"
      + "prune: {criterion: l1, select: {targetFlopsReduction: 0.5, roundTo: 1}}\n"
      + "schedule: {mode: oneshot, finetune: {epochs: 1, optimizer: {lr: 0.01}}}\neval: {batchSizes: [1]}\n";

  @Option(names = "--root", defaultValue = ".") Path root;
  @Option(names = "--run-dir", defaultValue = ".bench/load") Path runDir;
  @Option(names = "--jobs", defaultValue = "100") int jobs;
  @Option(names = "--tenants", defaultValue = "3") int tenants;
  @Option(names = "--instances", defaultValue = "2", description = "Instances of each stage service.") int instances;
  @Option(names = "--submitters", defaultValue = "16", description = "Concurrent submitting clients.") int submitters;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path run = Files.createDirectories(runDir.toAbsolutePath()).resolve("stack-" + System.currentTimeMillis());
    List<String> names = new ArrayList<>();
    for (int t = 0; t < tenants; t++) {
      names.add("team" + (char) ('a' + t));
    }
    List<ServiceSpec> services = new ArrayList<>(List.of(ServiceSpec.GATEWAY));
    for (ServiceSpec s : ServiceSpec.STAGES) {
      for (int i = 1; i <= instances; i++) {
        services.add(i == 1 ? s : new ServiceSpec(s.name() + "-" + i, s.module(), s.port()));
      }
    }
    try (LocalStack stack = LocalStack.builder().setRoot(root.toAbsolutePath().normalize()).setRunDir(run).optServices(services)
        .optFreePorts(true).optTenants(names).optProperty("topiary.stage.intra-op-threads", "1")
        .optProperty("topiary.stage.latency-runs", "3").optProperty("topiary.stage.latency-warmup", "1")
        .optProperty("topiary.gateway.rate-limit.enabled", "false").optJvmOptions(List.of("-Xmx1g")).start();
        LagSampler lag = new LagSampler(stack.bootstrapServers(), Duration.ofSeconds(2))) {
      String url = stack.service(ServiceSpec.GATEWAY.name()).url();
      System.out.printf(Locale.ROOT, "# bench/load.sh --jobs %d --tenants %d --instances %d --submitters %d%n", jobs, tenants, instances,
          submitters);
      lag.start();
      Load load = submitAll(stack, url, names);
      lag.stop();
      Path csv = runDir.toAbsolutePath().resolve("lag.csv");
      Path svg = runDir.toAbsolutePath().resolve("lag.svg");
      lag.write(csv, svg);
      print(load, stack, csv, svg);
      tenancy(stack, url, load.ids());
      coldStart(stack, url);
    }
    return 0;
  }

  /** What one load run measured. */
  private record Load(double seconds, int completed, List<Double> submitMs, List<Double> viewDelayMs, Map<String, List<String>> ids) {}

  private Load submitAll(LocalStack stack, String url, List<String> tenantNames) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(submitters);
    ExecutorService watchers = Executors.newCachedThreadPool();
    ConcurrentLinkedQueue<Double> submitMs = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Double> delays = new ConcurrentLinkedQueue<>();
    Map<String, List<String>> byTenant = new java.util.concurrent.ConcurrentHashMap<>();
    List<Future<Boolean>> done = new ArrayList<>();
    long start = System.nanoTime();
    List<Future<String>> ids = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      int n = i;
      String tenant = tenantNames.get(i % tenantNames.size());
      GatewayClient client = new GatewayClient(url, stack.token(tenant));
      ids.add(pool.submit(() -> {
        long t0 = System.nanoTime();
        String id = client.submit(SPEC.formatted(n), true).path("jobId").asText();
        submitMs.add((System.nanoTime() - t0) / 1e6);
        byTenant.computeIfAbsent(tenant, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(id);
        done.add(watchers.submit(() -> follow(client, id, delays)));
        return id;
      }));
    }
    for (Future<String> f : ids) {
      f.get(10, TimeUnit.MINUTES);
    }
    int completed = 0;
    for (int i = 0; i < done.size(); i++) {
      completed += done.get(i).get(60, TimeUnit.MINUTES) ? 1 : 0;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    watchers.shutdown();
    return new Load(seconds, completed, new ArrayList<>(submitMs), new ArrayList<>(delays), byTenant);
  }

  /** Reads the job's stream to its end; records each live event's delay from its occurredAt. Whether it completed. */
  private static boolean follow(GatewayClient client, String id, ConcurrentLinkedQueue<Double> delays) {
    Instant opened = Instant.now();
    try (EventStream stream = client.openEvents(id, null)) {
      for (EventStream.Event e = stream.next(); e != null; e = stream.next()) {
        Instant at = Instant.parse(e.json().path("occurredAt").asText());
        if (at.isAfter(opened)) {
          delays.add(Duration.between(at, Instant.now()).toNanos() / 1e6);
        }
      }
    }
    JsonNode job = client.job(id);
    return "completed".equals(job.path("state").asText());
  }

  private void print(Load load, LocalStack stack, Path csv, Path svg) throws IOException {
    System.out.printf(Locale.ROOT, "jobs completed           %d of %d in %.0f s: %.1f jobs/min%n", load.completed(), jobs, load.seconds(),
        60 * load.completed() / load.seconds());
    System.out.printf(Locale.ROOT, "submission latency       p50 %.0f ms, p99 %.0f ms (%d submissions, %d at once)%n",
        pct(load.submitMs(), 50), pct(load.submitMs(), 99), load.submitMs().size(), submitters);
    System.out.printf(Locale.ROOT, "event to gateway stream  p50 %.0f ms, p99 %.0f ms (%d events)%n", pct(load.viewDelayMs(), 50),
        pct(load.viewDelayMs(), 99), load.viewDelayMs().size());
    for (ServiceProcess p : stack.services()) {
      System.out.printf(Locale.ROOT, "peak RSS %-22s %s%n", p.spec().name(), peakRss(p.pid()));
    }
    System.out.println("consumer lag over time: " + csv + ", " + svg);
  }

  /**
   * Each tenant lists only its own jobs; every other tenant's job id answers 404 with the message a
   * missing id gets (its own id in it), in about the same time.
   */
  private static void tenancy(LocalStack stack, String url, Map<String, List<String>> ids) {
    List<Double> foreignMs = new ArrayList<>();
    List<Double> missingMs = new ArrayList<>();
    int probes = 0;
    for (Map.Entry<String, List<String>> own : ids.entrySet()) {
      GatewayClient client = new GatewayClient(url, stack.token(own.getKey()));
      java.util.Set<String> listed = new java.util.HashSet<>();
      client.jobs(null, 0, 200).path("items").forEach(j -> listed.add(j.path("id").asText()));
      if (!listed.equals(new java.util.HashSet<>(own.getValue()))) {
        throw new IllegalStateException("tenant " + own.getKey() + " lists " + listed.size() + " jobs, not its own " + own.getValue().size());
      }
      for (Map.Entry<String, List<String>> other : ids.entrySet()) {
        if (other.getKey().equals(own.getKey())) {
          continue;
        }
        for (String id : other.getValue()) {
          String missing = java.util.UUID.randomUUID().toString();
          String a = probe(client, id, foreignMs);
          String b = probe(client, missing, missingMs);
          if (!a.replace(id, "ID").equals(b.replace(missing, "ID"))) {
            throw new IllegalStateException("another tenant's job answers '" + a + "' but a missing one '" + b + "'");
          }
          probes++;
        }
      }
    }
    System.out.printf(Locale.ROOT, "tenancy                  each of %d tenants lists only its own jobs; %d probes of other tenants' "
        + "jobs answered as missing ids do (median %.1f ms against %.1f ms)%n", ids.size(), probes, pct(foreignMs, 50), pct(missingMs, 50));
  }

  private static String probe(GatewayClient client, String id, List<Double> ms) {
    long t0 = System.nanoTime();
    try {
      client.job(id);
      throw new IllegalStateException("job " + id + " of another tenant was shown");
    } catch (GatewayClient.GatewayException e) {
      ms.add((System.nanoTime() - t0) / 1e6);
      if (e.status() != 404) {
        throw new IllegalStateException("probing " + id + " answered " + e.getMessage());
      }
      return e.getMessage();
    }
  }

  /** The fine-tune stage from zero instances: stop them, submit, start one on demand; the wait to the first epoch, against a warm one. */
  private static void coldStart(LocalStack stack, String url) throws Exception {
    GatewayClient client = new GatewayClient(url, stack.token());
    double warm = firstEpochSeconds(client, "warm", null);
    List<ServiceProcess> finetune = stack.services().stream().filter(p -> p.spec().module().equals(ServiceSpec.FINETUNE.module())).toList();
    finetune.forEach(ServiceProcess::stop);
    double cold = firstEpochSeconds(client, "cold", () -> {
      ServiceProcess first = finetune.get(0);
      first.start(); // as KEDA would, on the first record's lag
      first.awaitReady(Duration.ofMinutes(3));
    });
    System.out.printf(Locale.ROOT, "scale from zero          first epoch %.1f s after submission from zero fine-tune instances, %.1f s warm%n",
        cold, warm);
  }

  private static double firstEpochSeconds(GatewayClient client, String name, Runnable onSubmitted) {
    long t0 = System.nanoTime();
    String id = client.submit(SPEC.formatted(1000 + name.length()).replace("name: load-", "name: " + name + "-"), true).path("jobId").asText();
    if (onSubmitted != null) {
      onSubmitted.run();
    }
    try (EventStream stream = client.openEvents(id, null)) {
      for (EventStream.Event e = stream.next(); e != null; e = stream.next()) {
        if (e.type().equals("EpochTuned")) {
          return (System.nanoTime() - t0) / 1e9;
        }
      }
    }
    throw new IllegalStateException("job " + id + " ended without an epoch");
  }

  private static String peakRss(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream().filter(l -> l.startsWith("VmHWM:"))
          .map(l -> l.substring(6).trim()).findFirst().orElse("?");
    } catch (IOException e) {
      return "? (" + e.getMessage() + ")";
    }
  }

  static double pct(List<Double> values, int p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  static Map<String, String> groups() {
    Map<String, String> g = new LinkedHashMap<>();
    for (ServiceSpec s : ServiceSpec.STAGES) {
      g.put(s.name(), "topiary-" + s.module().replace("-service", ""));
    }
    return g;
  }

  /** The topics the stages consume: every event topic but the two that end a job. */
  static List<String> stepTopics() {
    return Topics.eventTopics().stream().filter(t -> !t.equals(Topics.JOB_FAILED) && !t.equals(Topics.JOB_CANCELLED)).toList();
  }
}
