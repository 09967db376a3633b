package dev.topiary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.local.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the gateway is and who we are: {@code --url} and {@code --token}, else the environment
 * ({@code TOPIARY_URL}, {@code TOPIARY_TOKEN}), else the running local stack's {@code
 * .run/local/stack.json} in the checkout ({@code ./topiary} passes its folder as the system property
 * {@code topiary.root}, so the commands work from any folder), else {@code http://localhost:8080}
 * with no token.
 */
public final class Connection {
  static final String DEFAULT_URL = "http://localhost:8080";

  @Option(names = "--url", description = "The gateway (default: $TOPIARY_URL, the local stack's, or " + DEFAULT_URL + ").")
  String url;

  @Option(names = "--token", description = "API token (default: $TOPIARY_TOKEN, or the local stack's).")
  String token;

  // the checkout's own stack, wherever the command runs from (./topiary passes its folder as topiary.root)
  @Option(names = "--stack-file", defaultValue = "${sys:topiary.root:-.}/.run/local/" + LocalStack.STACK_FILE, hidden = true)
  Path stackFile;

  GatewayClient client() {
    String u = first(url, System.getenv("TOPIARY_URL"));
    String t = first(token, System.getenv("TOPIARY_TOKEN"));
    JsonNode gateway = localGateway();
    if (u == null) {
      u = gateway != null ? gateway.path("url").asText() : DEFAULT_URL;
    }
    if (t == null && gateway != null && gateway.path("url").asText().equals(u)) {
      t = gateway.path("token").asText();
    }
    return new GatewayClient(u, t);
  }

  private JsonNode localGateway() {
    if (stackFile == null || !Files.isReadable(stackFile)) {
      return null;
    }
    try {
      JsonNode stack = new ObjectMapper().readTree(stackFile.toFile());
      return stack.has("gateway") ? stack.get("gateway") : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stackFile, e);
    }
  }

  private static String first(String a, String b) {
    return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
  }
}
