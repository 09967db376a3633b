package dev.topiary.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code topiary watch} across a gateway restart, against a fake gateway on this machine: the first
 * one streams part of a job and dies mid-event; while it is down connections are refused; the
 * restarted one first answers 503 (it is reading the topics), then resumes after {@code
 * Last-Event-ID}. Every event is shown once, none missed.
 */
class WatchReconnectTest {
  /** The job's events: id, type, JSON. */
  private static final List<String[]> EVENTS = List.of(
      new String[] {"0.1.0.JobSubmitted", "JobSubmitted", "{\"jobId\":\"j1\",\"stepIndex\":0,\"totalSteps\":3}"},
      new String[] {"1.1.1.EpochTuned", "EpochTuned", "{\"stepIndex\":1,\"epoch\":1,\"epochs\":2,\"trainLoss\":0.9,\"valAccuracy\":0.5}"},
      new String[] {"1.1.2.EpochTuned", "EpochTuned", "{\"stepIndex\":1,\"epoch\":2,\"epochs\":2,\"trainLoss\":0.7,\"valAccuracy\":0.6}"},
      new String[] {"2.1.0.RankComputed", "RankComputed", "{\"stepIndex\":2,\"criterion\":\"l1\",\"groups\":4}"},
      new String[] {"3.1.0.ModelEvaluated", "ModelEvaluated", "{\"stepIndex\":3,\"top1\":0.8,\"params\":1000,\"macs\":2000}"});
  private static final String TIMELINE = "[{\"index\":1,\"kind\":\"train-baseline\",\"stage\":\"finetune\"},"
      + "{\"index\":2,\"kind\":\"rank\",\"stage\":\"rank\"},{\"index\":3,\"kind\":\"evaluate\",\"stage\":\"eval\"}]";

  private final List<String> lastEventIds = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<HttpServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void reconnectsAfterAGatewayRestartAndShowsEveryEventOnce() throws Exception {
    HttpServer first = gateway(0, "running", exchange -> {
      lastEventIds.add(String.valueOf(exchange.getRequestHeaders().getFirst("Last-Event-ID")));
      OutputStream body = open(exchange);
      for (String[] e : EVENTS.subList(0, 3)) {
        body.write(sse(e));
      }
      body.write("id: 2.1.0.RankComputed\nevent: RankComputed\n".getBytes(StandardCharsets.UTF_8)); // dies mid-event
      body.flush();
    });
    int port = first.getAddress().getPort();
    Thread restart = new Thread(() -> {
      awaitOutput("epoch 2/2");
      first.stop(0);
      pause(1500); // refused connections meanwhile
      AtomicInteger requests = new AtomicInteger();
      gateway(port, "completed", exchange -> {
        lastEventIds.add(String.valueOf(exchange.getRequestHeaders().getFirst("Last-Event-ID")));
        if (requests.incrementAndGet() == 1) {
          byte[] busy = "{\"errors\":[{\"field\":\"\",\"message\":\"reading the event topics\"}]}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(503, busy.length);
          exchange.getResponseBody().write(busy);
          exchange.close();
          return;
        }
        String after = exchange.getRequestHeaders().getFirst("Last-Event-ID");
        int from = EVENTS.stream().map(e -> e[0]).toList().indexOf(after); // from that event on: one already seen, to be skipped
        OutputStream body = open(exchange);
        for (String[] e : EVENTS.subList(from, EVENTS.size())) {
          body.write(sse(e));
        }
        exchange.close();
      });
    });
    restart.start();

    assertEquals(0, watch(port, "10"), err.toString(StandardCharsets.UTF_8));
    restart.join();
    String shown = out.toString(StandardCharsets.UTF_8);
    assertEquals(List.of("null", "1.1.2.EpochTuned", "1.1.2.EpochTuned"), lastEventIds,
        "the first request from the start; the reconnections (the 503, then the resumed one) after the last event processed");
    for (String line : List.of("job j1 submitted", "epoch 1/2", "epoch 2/2", "l1, 4 groups scored", "top-1 80.00%",
        "gateway unreachable, reconnecting", "reconnected to the gateway")) {
      assertEquals(1, count(shown, line), "'" + line + "' once in:\n" + shown);
    }
    assertTrue(shown.indexOf("epoch 2/2") < shown.indexOf("gateway unreachable") && shown.indexOf("reconnected") < shown.indexOf("groups scored"),
        shown);
  }

  @Test
  void givesUpWithAClearMessageWhenTheGatewayStaysAway() throws Exception {
    HttpServer only = gateway(0, "running", exchange -> {
      OutputStream body = open(exchange);
      body.write(sse(EVENTS.get(0)));
      body.flush();
    });
    int port = only.getAddress().getPort();
    Thread dies = new Thread(() -> {
      awaitOutput("submitted");
      only.stop(0);
    });
    dies.start();
    long started = System.nanoTime();
    assertEquals(2, watch(port, "1"));
    dies.join();
    assertTrue(System.nanoTime() - started < 30_000_000_000L, "gave up after about the second it was given");
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains("gave up following job j1: the gateway at http://127.0.0.1:" + port + " did not answer for 1 s; "
        + "follow it again with ./topiary watch j1"), message);
    assertEquals(1, count(out.toString(StandardCharsets.UTF_8), "gateway unreachable, reconnecting"));
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  /** A fake gateway on {@code port} (0: any): the job j1 in {@code state}, and its events as {@code events} answers. */
  private HttpServer gateway(int port, String state, Handler events) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      server.createContext("/api/v1/jobs/j1", exchange -> {
        if (exchange.getRequestURI().getPath().endsWith("/events")) {
          events.handle(exchange);
          return;
        }
        byte[] job = ("{\"id\":\"j1\",\"state\":\"" + state + "\",\"timeline\":" + TIMELINE + "}").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, job.length);
        exchange.getResponseBody().write(job);
        exchange.close();
      });
      server.start();
      servers.add(server);
      return server;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static OutputStream open(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    return exchange.getResponseBody();
  }

  private static byte[] sse(String[] e) {
    return ("id: " + e[0] + "\nevent: " + e[1] + "\ndata: " + e[2] + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Runs {@code topiary watch j1} against the fake gateway, its output captured; the exit code. */
  private int watch(int port, String reconnectFor) {
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      CommandLine cli = TopiaryCommand.commandLine();
      cli.setErr(new PrintWriter(err, true));
      return cli.execute("watch", "j1", "--url", "http://127.0.0.1:" + port, "--token", "tok-123", "--reconnect-for", reconnectFor);
    } finally {
      System.setOut(stdout);
    }
  }

  private void awaitOutput(String text) {
    for (int i = 0; i < 300 && !out.toString(StandardCharsets.UTF_8).contains(text); i++) {
      pause(50);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
