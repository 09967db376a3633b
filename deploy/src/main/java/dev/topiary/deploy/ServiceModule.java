package dev.topiary.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What one Quarkus module of the repository declares that a deployment must agree with: its HTTP
 * port, every configuration key it reads, and its Dockerfiles. A stage service (one whose pom
 * depends on {@code topiary-service-kit}) also reads the kit's keys and defaults.
 *
 * @param name the module's folder, which is also its service name (rank-service, gateway, ...)
 * @param port {@code quarkus.http.port}, Quarkus's 8080 when unset
 * @param configKeys every key its properties and code (and the kit's, for stage services) declare
 * @param dockerfiles the files of {@code src/main/docker}, by name (Dockerfile.jvm, ...)
 */
public record ServiceModule(String name, Path dir, int port, Set<String> configKeys, Set<String> dockerfiles) {
  static final String KIT = "service-kit";

  /** Quarkus's health endpoints, which every service serves. */
  public static final Set<String> HEALTH_PATHS = Set.of("/q/health", "/q/health/live", "/q/health/ready", "/q/health/started");

  /** The module in {@code root/name}, or empty when that folder has no pom.xml (not written yet). */
  public static Optional<ServiceModule> load(Path root, String name) {
    Path dir = root.resolve(name);
    if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
      return Optional.empty();
    }
    Path properties = dir.resolve("src/main/resources/application.properties");
    Set<String> keys = new TreeSet<>();
    int port = 8080;
    if (Files.isRegularFile(properties)) {
      keys.addAll(ConfigKeys.ofProperties(properties));
      port = Integer.parseInt(PropertiesValue.of(properties, "quarkus.http.port").orElse("8080"));
    }
    keys.addAll(ConfigKeys.ofSources(dir.resolve("src/main/java")));
    if (usesKit(dir)) {
      keys.addAll(ConfigKeys.ofProperties(kitProperties(dir)));
      keys.addAll(ConfigKeys.ofSources(dir.resolveSibling(KIT).resolve("src/main/java")));
    }
    return Optional.of(new ServiceModule(name, dir, port, Set.copyOf(keys), dockerfiles(dir)));
  }

  /** Whether the module reads {@code envVar}: some key maps to it, or it is a runtime variable. */
  public boolean readsEnv(String envVar) {
    return RuntimeEnv.NAMES.containsKey(envVar)
        || configKeys.stream().anyMatch(key -> ConfigKeys.envSets(key, envVar));
  }

  /**
   * A property's value as the deployed service reads it, without profiles: its own
   * application.properties, else (a stage service) the kit's microprofile-config.properties, which
   * MicroProfile Config ranks below it.
   */
  public Optional<String> property(String key) {
    Path properties = dir.resolve("src/main/resources/application.properties");
    Optional<String> own = Files.isRegularFile(properties) ? PropertiesValue.of(properties, key) : Optional.empty();
    return own.isPresent() || !usesKit(dir) ? own : PropertiesValue.of(kitProperties(dir), key);
  }

  /** The text of one of its Dockerfiles. */
  public String dockerfile(String fileName) {
    return read(dir.resolve("src/main/docker").resolve(fileName));
  }

  private static boolean usesKit(Path dir) {
    return read(dir.resolve("pom.xml")).contains("<artifactId>topiary-" + KIT + "</artifactId>");
  }

  private static Path kitProperties(Path dir) {
    return dir.resolveSibling(KIT).resolve("src/main/resources/META-INF/microprofile-config.properties");
  }

  private static Set<String> dockerfiles(Path dir) {
    Path docker = dir.resolve("src/main/docker");
    if (!Files.isDirectory(docker)) {
      return Set.of();
    }
    try (Stream<Path> files = Files.list(docker)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("Dockerfile"))
          .collect(java.util.stream.Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + docker, e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
