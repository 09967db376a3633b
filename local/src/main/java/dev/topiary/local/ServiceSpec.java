package dev.topiary.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One service of the stack: its name, the Maven module whose Quarkus app it runs, and its HTTP port.
 *
 * @param name the service's name, also its log file's
 * @param module the module folder under the repository root
 * @param port its HTTP port (health, metrics and, for the gateway, the API); 0 picks a free one
 */
public record ServiceSpec(String name, String module, int port) {
  public static final ServiceSpec GATEWAY = new ServiceSpec("gateway", "gateway", 8080);
  public static final ServiceSpec RANK = new ServiceSpec("rank-service", "rank-service", 8081);
  public static final ServiceSpec PRUNE = new ServiceSpec("prune-service", "prune-service", 8082);
  public static final ServiceSpec FINETUNE = new ServiceSpec("finetune-service", "finetune-service", 8083);
  public static final ServiceSpec EVAL = new ServiceSpec("eval-service", "eval-service", 8084);

  /** The four stage services. */
  public static final List<ServiceSpec> STAGES = List.of(RANK, PRUNE, FINETUNE, EVAL);

  /** The whole stack: the gateway, then the four stage services. */
  public static final List<ServiceSpec> ALL = List.of(GATEWAY, RANK, PRUNE, FINETUNE, EVAL);

  public ServiceSpec {
    if (name == null || !name.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("name: lower-case letters, digits and '-', got '" + name + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: must be in [0, 65535], got " + port);
    }
  }

  /** The same service on another port. */
  public ServiceSpec withPort(int newPort) {
    return new ServiceSpec(name, module, newPort);
  }

  /** The built app: {@code <root>/<module>/target/quarkus-app/quarkus-run.jar}. */
  public Path jar(Path root) {
    return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
  }

  /** The built app, or an error that says how to build it. */
  public Path requireJar(Path root) {
    Path jar = jar(root);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(name + ": " + jar + " is missing; build it with ./mvnw -B package -DskipTests -pl "
          + module + " -am");
    }
    return jar;
  }
}
