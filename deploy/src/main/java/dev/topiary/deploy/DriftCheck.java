package dev.topiary.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares deployment files with the modules they run and lists every disagreement, each naming the
 * file entry and the reason: a container of no module, a Dockerfile the module lacks, an
 * environment variable that maps to no key of the module, a port other than its {@code
 * quarkus.http.port}, a health check on another port or on a path Quarkus does not serve, or none.
 *
 * <p>A container of a module named in {@link #PENDING} whose folder has no pom.xml yet is skipped
 * (and listed by {@link #skipped}); once the module exists it is checked like the others.
 */
public final class DriftCheck {
  /** Modules being written on other branches: absent is not yet an error. */
  public static final Set<String> PENDING = Set.of("gateway");

  private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE\\s+(\\d+)");
  private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\S+)");
  private static final Pattern HEALTH = Pattern.compile("http://localhost:(\\d+)(/\\S*)");

  private final Path root;
  private final Set<String> skipped = new TreeSet<>();

  public DriftCheck(Path root) {
    this.root = root;
  }

  /** Every problem of these containers. */
  public List<String> problems(List<Container> containers) {
    List<String> problems = new ArrayList<>();
    for (Container c : containers) {
      Optional<ServiceModule> module = ServiceModule.load(root, c.module());
      if (module.isEmpty()) {
        if (PENDING.contains(c.module())) {
          skipped.add(c.module());
        } else {
          problems.add(c.where() + ": runs " + c.module() + ", which is no module (no " + c.module() + "/pom.xml)");
        }
        continue;
      }
      problems.addAll(problems(c, module.get()));
    }
    return problems;
  }

  private static List<String> problems(Container c, ServiceModule m) {
    List<String> problems = new ArrayList<>();
    String at = c.where() + ": ";
    if (!m.dockerfiles().contains("Dockerfile.jvm")) {
      problems.add(at + m.name() + " has no src/main/docker/Dockerfile.jvm");
    }
    if (c.dockerfile() != null && !m.dockerfiles().contains(c.dockerfile())) {
      problems.add(at + "builds from " + c.dockerfile() + ", which " + m.name() + "/src/main/docker lacks");
    }
    for (String env : c.env()) {
      if (!m.readsEnv(env)) {
        problems.add(at + "environment variable " + env + " maps to no configuration key of " + m.name());
      }
    }
    for (int port : c.ports()) {
      if (port != m.port()) {
        problems.add(at + "port " + port + " is not " + m.name() + "'s quarkus.http.port " + m.port());
      }
    }
    if (c.checks().isEmpty()) {
      problems.add(at + "has no HTTP health check");
    }
    for (Container.HttpCheck check : c.checks()) {
      if (check.port() != m.port()) {
        problems.add(at + "health check on port " + check.port() + ", but " + m.name() + " listens on " + m.port());
      }
      if (!ServiceModule.HEALTH_PATHS.contains(check.path())) {
        problems.add(at + "health check path " + check.path() + " is none of " + new TreeSet<>(ServiceModule.HEALTH_PATHS));
      }
    }
    c.unresolved().forEach(u -> problems.add(at + u + " is not among the manifests"));
    return problems;
  }

  /** The problems of a module's Dockerfiles: port, user, health check, what they copy. */
  public static List<String> dockerfileProblems(ServiceModule m) {
    List<String> problems = new ArrayList<>();
    for (String name : new TreeSet<>(m.dockerfiles())) {
      String text = m.dockerfile(name);
      String at = m.name() + "/src/main/docker/" + name + ": ";
      Matcher expose = EXPOSE.matcher(text);
      if (!expose.find() || Integer.parseInt(expose.group(1)) != m.port()) {
        problems.add(at + "EXPOSE is not quarkus.http.port " + m.port());
      }
      Matcher user = USER.matcher(text);
      String last = null;
      while (user.find()) {
        last = user.group(1);
      }
      if (last == null || last.equals("root") || last.equals("0") || last.startsWith("0:") || last.startsWith("root:")) {
        problems.add(at + "runs as root (its last USER is " + last + ")");
      }
      Matcher health = HEALTH.matcher(text);
      if (!health.find() || Integer.parseInt(health.group(1)) != m.port()
          || !ServiceModule.HEALTH_PATHS.contains(health.group(2))) {
        problems.add(at + "HEALTHCHECK does not GET a Quarkus health path on port " + m.port());
      }
      if (!text.contains("target/quarkus-app/")) {
        problems.add(at + "does not copy target/quarkus-app/");
      }
      if (!text.contains("-Dai.djl.offline=true")) {
        problems.add(at + "does not start the JVM with -Dai.djl.offline=true");
      }
      if (name.equals("Dockerfile.gpu") && !text.contains("pytorch-native-cu124")) {
        problems.add(at + "does not check for libtorch CUDA (pytorch-native-cu124)");
      }
    }
    return problems;
  }

  /** The pending modules skipped so far because they do not exist yet. */
  public Set<String> skipped() {
    return Set.copyOf(skipped);
  }
}
