package dev.topiary.local.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code topiary download}: which gateway path and query each option asks for, and where the answer goes. */
class DownloadCommandTest {
  private static final byte[] BODY = {'o', 'n', 'n', 'x', 0, 1, 2};

  @TempDir
  Path dir;

  private HttpServer server;
  private final List<String> asked = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/jobs/", exchange -> {
      asked.add(exchange.getRequestURI().toString() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
      boolean unknownStep = exchange.getRequestURI().getPath().contains("/artifacts/9/");
      byte[] body = unknownStep ? "{\"errors\":[{\"field\":\"step\",\"message\":\"job j1 has no model at step 9\"}]}".getBytes(StandardCharsets.UTF_8) : BODY;
      exchange.sendResponseHeaders(unknownStep ? 404 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private int run(String... args) {
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(new String[] {"--url", url, "--token", "tok-123"}, 0, all, args.length, 4);
    CommandLine cli = TopiaryCommand.commandLine();
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(all);
  }

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void downloadsAStepsModelAsOnnxWithBatchNormFolded() throws Exception {
    Path out = dir.resolve("pruned.onnx");
    assertEquals(0, run("download", "j1", "--format", "onnx", "--fold-bn", "--step", "4", "--out", out.toString()));
    assertEquals(List.of("/api/v1/jobs/j1/artifacts/4/model?format=onnx&foldBn=true Bearer tok-123"), asked);
    assertArrayEquals(BODY, Files.readAllBytes(out));
  }

  @Test
  void downloadsThePrunedModelAsAZipByDefault() throws Exception {
    Path out = dir.resolve("m.zip");
    assertEquals(0, run("download", "j1", "-o", out.toString()));
    assertEquals(List.of("/api/v1/jobs/j1/model?format=zip Bearer tok-123"), asked);
    assertArrayEquals(BODY, Files.readAllBytes(out));
  }

  @Test
  void refusesAnUnknownFormatAndFoldingAZipWithoutAsking() {
    assertEquals(2, run("download", "j1", "--format", "tflite", "-o", dir.resolve("x").toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--format: expected zip or onnx, got 'tflite'"), err.toString(StandardCharsets.UTF_8));
    assertEquals(2, run("download", "j1", "--fold-bn", "-o", dir.resolve("y").toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--fold-bn: applies to --format onnx only"));
    assertEquals(List.of(), asked);
    assertTrue(Files.notExists(dir.resolve("x")));
  }

  @Test
  void reportsTheGatewaysMessageForAStepWithoutAModel() {
    assertEquals(2, run("download", "j1", "--step", "9", "--format", "onnx", "-o", dir.resolve("z").toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("no model at step 9"), err.toString(StandardCharsets.UTF_8));
    assertTrue(Files.notExists(dir.resolve("z")));
  }
}
