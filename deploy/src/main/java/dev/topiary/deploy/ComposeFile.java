package dev.topiary.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads docker-compose.yml (merge keys and anchors resolved) into the {@link Container}s of its
 * Topiary services: those built from a module ({@code build.context}) or running a {@code topiary/}
 * image. Kafka, MinIO, Prometheus and Grafana are not Topiary's and are left out.
 */
public final class ComposeFile {
  private static final Pattern URL = Pattern.compile("http://localhost:(\\d+)(/[^\\s\"',\\]]*)");

  private ComposeFile() {}

  /** The Topiary containers of a compose document. */
  @SuppressWarnings("unchecked")
  public static List<Container> containers(String yaml) {
    Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    Map<String, Object> services = (Map<String, Object>) doc.getOrDefault("services", Map.of());
    List<Container> out = new ArrayList<>();
    services.forEach((name, value) -> {
      Map<String, Object> service = (Map<String, Object>) value;
      String module = module(service);
      if (module != null) {
        out.add(container("docker-compose.yml services." + name, module, service));
      }
    });
    return out;
  }

  @SuppressWarnings("unchecked")
  private static String module(Map<String, Object> service) {
    Object build = service.get("build");
    if (build instanceof Map<?, ?> b && b.get("context") != null) {
      return Path.of(String.valueOf(b.get("context"))).normalize().getFileName().toString();
    }
    if (build instanceof String context) {
      return Path.of(context).normalize().getFileName().toString();
    }
    Object image = service.get("image");
    if (image instanceof String i && i.startsWith("topiary/")) {
      return i.substring("topiary/".length()).replaceAll(":.*", "");
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Container container(String where, String module, Map<String, Object> service) {
    String dockerfile = null;
    if (service.get("build") instanceof Map<?, ?> b && b.get("dockerfile") != null) {
      dockerfile = Path.of(String.valueOf(b.get("dockerfile"))).getFileName().toString();
    }
    Set<String> env = new TreeSet<>();
    Object environment = service.get("environment");
    if (environment instanceof Map<?, ?> m) {
      m.keySet().forEach(k -> env.add(String.valueOf(k)));
    } else if (environment instanceof List<?> l) {
      l.forEach(e -> env.add(String.valueOf(e).split("=", 2)[0]));
    }
    Set<Integer> ports = new TreeSet<>();
    for (Object p : (List<Object>) service.getOrDefault("expose", List.of())) {
      ports.add(Integer.parseInt(String.valueOf(p).replaceAll("/.*", "")));
    }
    for (Object p : (List<Object>) service.getOrDefault("ports", List.of())) {
      String spec = String.valueOf(p).replaceAll("/.*", "");
      ports.add(Integer.parseInt(spec.substring(spec.lastIndexOf(':') + 1)));
    }
    List<Container.HttpCheck> checks = new ArrayList<>();
    if (service.get("healthcheck") instanceof Map<?, ?> h && h.get("test") != null) {
      Matcher url = URL.matcher(String.valueOf(h.get("test")));
      while (url.find()) {
        checks.add(new Container.HttpCheck(Integer.parseInt(url.group(1)), url.group(2)));
      }
    }
    return new Container(where, module, dockerfile, env, ports, checks, List.of());
  }
}
