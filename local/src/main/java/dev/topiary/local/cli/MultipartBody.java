package dev.topiary.local.cli;

import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A {@code multipart/form-data} request body whose file parts stream from disk (a 100 MB model is
 * never held in memory). Built once, sent once.
 */
final class MultipartBody {
  private final String boundary = "topiary-" + UUID.randomUUID();
  private final List<HttpRequest.BodyPublisher> parts = new ArrayList<>();

  String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  MultipartBody text(String name, String value) {
    parts.add(bytes(head(name, null, "text/plain; charset=UTF-8") + value + "\r\n"));
    return this;
  }

  /**
   * A file part named {@code name}, sent with its own file name.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read
   */
  MultipartBody file(String name, Path file) {
    parts.add(bytes(head(name, file.getFileName().toString(), "application/octet-stream")));
    try {
      parts.add(HttpRequest.BodyPublishers.ofFile(file));
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException(file + ": no such file", e);
    }
    parts.add(bytes("\r\n"));
    return this;
  }

  HttpRequest.BodyPublisher publisher() {
    List<HttpRequest.BodyPublisher> all = new ArrayList<>(parts);
    all.add(bytes("--" + boundary + "--\r\n"));
    return HttpRequest.BodyPublishers.concat(all.toArray(HttpRequest.BodyPublisher[]::new));
  }

  private String head(String name, String fileName, String type) {
    String disposition = "form-data; name=\"" + quoted(name) + "\"" + (fileName == null ? "" : "; filename=\"" + quoted(fileName) + "\"");
    return "--" + boundary + "\r\nContent-Disposition: " + disposition + "\r\nContent-Type: " + type + "\r\n\r\n";
  }

  private static String quoted(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "");
  }

  private static HttpRequest.BodyPublisher bytes(String s) {
    return HttpRequest.BodyPublishers.ofByteArray(s.getBytes(StandardCharsets.UTF_8));
  }
}
