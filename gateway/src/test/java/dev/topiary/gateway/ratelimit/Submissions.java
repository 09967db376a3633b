package dev.topiary.gateway.ratelimit;

import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Job submissions of two tenants sent at the same moment, one client thread each: tenant {@code a}
 * (acme, the big one) and {@code b} (globex, the small one). Each answer's status and how long it
 * took from the common start.
 */
record Submissions(List<Answer> answers) {
  /** One submission's answer: tenant {@code a} or {@code b}, HTTP status, time from the start to the answer. */
  record Answer(String tenant, int status, Duration waited) {}

  static Submissions atOnce(URI base, int a, int b) throws Exception {
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < a + b; i++) {
      tenants.add(i < a ? "a" : "b");
    }
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ExecutorService pool = Executors.newFixedThreadPool(tenants.size());
    try {
      CountDownLatch ready = new CountDownLatch(tenants.size());
      CountDownLatch go = new CountDownLatch(1);
      long[] start = new long[1];
      List<Future<Answer>> futures = new ArrayList<>();
      for (String t : tenants) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/jobs"))
            .header("Authorization", "Bearer " + (t.equals("a") ? TestServers.ACME : TestServers.GLOBEX))
            .header("Content-Type", "application/yaml")
            .POST(HttpRequest.BodyPublishers.ofString(Fixtures.lenetSpecYaml("fair-share-" + t))).build();
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
          return new Answer(t, status, Duration.ofNanos(System.nanoTime() - start[0]));
        }));
      }
      ready.await();
      start[0] = System.nanoTime();
      go.countDown();
      List<Answer> answers = new ArrayList<>();
      for (Future<Answer> f : futures) {
        answers.add(f.get());
      }
      return new Submissions(answers);
    } finally {
      pool.shutdownNow();
    }
  }

  Map<String, List<Integer>> statusesByTenant() {
    Map<String, List<Integer>> out = new LinkedHashMap<>();
    answers.forEach(r -> out.computeIfAbsent(r.tenant(), k -> new ArrayList<>()).add(r.status()));
    return out;
  }

  long count(String tenant, int status) {
    return answers.stream().filter(r -> r.tenant().equals(tenant) && r.status() == status).count();
  }

  /** The median and the longest wait of a tenant's answers with a status, in milliseconds: "median 12 ms, max 30 ms". */
  String waits(String tenant, int status) {
    List<Long> ms = answers.stream().filter(r -> r.tenant().equals(tenant) && r.status() == status).map(r -> r.waited().toMillis())
        .sorted().toList();
    return ms.isEmpty() ? "none" : "median " + ms.get(ms.size() / 2) + " ms, max " + ms.get(ms.size() - 1) + " ms";
  }
}
