package dev.topiary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * A client of the gateway's REST API ({@code /api/v1}) with a bearer token. Every non-2xx answer
 * becomes a {@link GatewayException} carrying the status and the gateway's message (for a 400, one
 * line per field).
 */
public final class GatewayClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final String token;
  // HTTP/1.1: the default HTTP/2 first offers an h2c upgrade, and a large upload then crawls (98 MB: 69 s against 4.5 s)
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  public GatewayClient(String url, String token) {
    this.base = url.replaceAll("/+$", "");
    this.token = token;
  }

  public String url() {
    return base;
  }

  /** Whether the gateway answers its readiness check. */
  public boolean isReady() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Submits a job spec ({@code yaml} or JSON); returns the answer: {@code jobId} and {@code plan}. */
  public JsonNode submit(String spec, boolean yaml) {
    return json(send(request("/api/v1/jobs").header("Content-Type", yaml ? "application/yaml" : "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(spec)).build()));
  }

  /**
   * Uploads a model: parts by name ({@code model.onnx}, or {@code graph.json} and {@code
   * weights.safetensors}), streamed from disk; returns the gateway's answer with the refs a spec cites.
   */
  public JsonNode uploadModel(java.util.Map<String, java.nio.file.Path> parts) {
    MultipartBody body = new MultipartBody();
    parts.forEach(body::file);
    return json(send(request("/api/v1/models").header("Content-Type", body.contentType()).POST(body.publisher()).build()));
  }

  /** Uploads a dataset of {@code kind}: its files, or one zip (an image folder); returns the answer with the {@code uri} a spec cites. */
  public JsonNode uploadDataset(String kind, java.util.List<java.nio.file.Path> files) {
    MultipartBody body = new MultipartBody().text("kind", kind);
    files.forEach(f -> body.file("file", f));
    return json(send(request("/api/v1/datasets").header("Content-Type", body.contentType()).POST(body.publisher()).build()));
  }

  public JsonNode job(String id) {
    return json(send(request("/api/v1/jobs/" + enc(id)).GET().build()));
  }

  public JsonNode jobs(String state, int page, int size) {
    String query = "?page=" + page + "&size=" + size + (state == null ? "" : "&state=" + enc(state));
    return json(send(request("/api/v1/jobs" + query).GET().build()));
  }

  public JsonNode report(String id) {
    return json(send(request("/api/v1/jobs/" + enc(id) + "/report").header("Accept", "application/json").GET().build()));
  }

  public byte[] reportHtml(String id) {
    return send(request("/api/v1/jobs/" + enc(id) + "/report").header("Accept", "text/html").GET().build());
  }

  /** The pruned model of a completed job as a zip. */
  public byte[] model(String id) {
    return model(id, null, "zip", false);
  }

  /**
   * A model of a job: the pruned model ({@code step} null) or the one step {@code step} ended with,
   * as a zip or as ONNX ({@code foldBn} folds BatchNorm first).
   */
  public byte[] model(String id, Integer step, String format, boolean foldBn) {
    String path = "/api/v1/jobs/" + enc(id) + (step == null ? "/model" : "/artifacts/" + step + "/model");
    String query = "?format=" + enc(format) + (foldBn ? "&foldBn=true" : "");
    return send(request(path + query).header("Accept", format.equals("onnx") ? "application/octet-stream" : "application/zip").GET().build());
  }

  public JsonNode cancel(String id, String reason) {
    return json(send(request("/api/v1/jobs/" + enc(id) + "/cancel").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("reason", reason).toString())).build()));
  }

  /**
   * Follows the job's server-sent events, calling {@code onEvent(type, json)} for each, until the
   * stream ends (the gateway ends it after the job ended). One connection: a broken stream is an
   * {@link UncheckedIOException}; {@link EventFollower} resumes across gateway restarts.
   */
  public void events(String id, BiConsumer<String, JsonNode> onEvent) {
    try (EventStream stream = openEvents(id, null)) {
      for (EventStream.Event e = stream.next(); e != null; e = stream.next()) {
        onEvent.accept(e.type(), e.json());
      }
    }
  }

  /**
   * Opens the job's event stream: every event, or with {@code lastEventId} only those after the
   * event of that id (the gateway's canonical order of a job's events).
   *
   * @throws UncheckedIOException when the gateway cannot be reached
   * @throws GatewayException on a refusal (503 while a gateway that just started reads the topics)
   */
  public EventStream openEvents(String id, String lastEventId) {
    HttpRequest.Builder request = request("/api/v1/jobs/" + enc(id) + "/events").header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      request.header(EventStream.LAST_EVENT_ID, lastEventId);
    }
    try {
      HttpResponse<java.io.InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() / 100 != 2) {
        try (java.io.InputStream body = response.body()) {
          throw failure(response.statusCode(), body.readAllBytes());
        }
      }
      return new EventStream(response.body(), "job " + id + " at " + base);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the event stream of job " + id + " at " + base, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2));
    if (token != null && !token.isBlank()) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private byte[] send(HttpRequest request) {
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() / 100 != 2) {
        throw failure(response.statusCode(), response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the gateway at " + base + " (is it running? ./topiary local)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static GatewayException failure(int status, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    StringBuilder message = new StringBuilder();
    try {
      JsonNode error = JSON.readTree(text);
      if (error.has("errors")) {
        error.get("errors").forEach(e -> message.append(message.length() == 0 ? "" : "\n")
            .append(e.path("field").asText("")).append(e.has("field") ? ": " : "").append(e.path("message").asText()));
      } else if (error.has("message")) {
        message.append(error.get("message").asText());
      }
    } catch (IOException notJson) {
      message.append(text.strip());
    }
    return new GatewayException(status, message.length() == 0 ? text.strip() : message.toString());
  }

  private static JsonNode json(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("the gateway answered with something that is not JSON", e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A refusal by the gateway. */
  public static final class GatewayException extends RuntimeException {
    private final int status;

    GatewayException(int status, String message) {
      super("HTTP " + status + ": " + message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
