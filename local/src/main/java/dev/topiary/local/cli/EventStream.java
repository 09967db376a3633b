package dev.topiary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One open connection to a job's server-sent events ({@code GET /api/v1/jobs/{id}/events}), read
 * event by event. Lifecycle: opened by {@link GatewayClient#openEvents}, read with {@link #next()}
 * until it answers null (the gateway ended the stream) or throws (the stream broke), then closed.
 */
public final class EventStream implements AutoCloseable {
  /** The request header that resumes a stream after the event of that id (the SSE standard's). */
  public static final String LAST_EVENT_ID = "Last-Event-ID";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One event: its id (null from a gateway that sends none), type and JSON. */
  public record Event(String id, String type, JsonNode json) {}

  private final BufferedReader in;
  private final String what;

  EventStream(InputStream body, String what) {
    this.in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    this.what = what;
  }

  /**
   * The next event; null once the gateway ended the stream.
   *
   * @throws UncheckedIOException when the stream broke (the gateway stopped, the connection dropped)
   */
  public Event next() {
    String id = null;
    String name = null;
    StringBuilder data = new StringBuilder();
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            return new Event(id, name, JSON.readTree(data.toString()));
          }
          id = null;
          name = null;
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("lost the event stream of " + what, e);
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // closing a broken connection: nothing left to read or to tell
    }
  }
}
