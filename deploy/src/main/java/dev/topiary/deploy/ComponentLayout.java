package dev.topiary.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A kustomize Component folder checked without kustomize, and the component paths that overlays and
 * guides tell an operator to add: the structural floor under {@code kubectl kustomize}, which
 * builds it only where installed.
 */
final class ComponentLayout {
  /** A component path as an overlay or the guide spells it, relative to an overlay folder. */
  private static final Pattern MENTION = Pattern.compile("(?:\\.\\./)+components/[a-z0-9-]+");

  private ComponentLayout() {}

  /**
   * The problems of the component in {@code dir}: its kustomization.yaml is not of kind {@code
   * Component}, lists a resource or patch file that does not exist, or leaves a YAML file of the
   * folder unlisted (a manifest kustomize would never apply).
   */
  static List<String> problems(Path dir) {
    String at = dir.getParent().getFileName() + "/" + dir.getFileName() + ": ";
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      return List.of(at + "has no kustomization.yaml");
    }
    Map<String, Object> kustomization = Yamls.map(new Yaml(new SafeConstructor(new LoaderOptions())).load(ServiceModule.read(file)));
    List<String> problems = new ArrayList<>();
    if (!"Component".equals(kustomization.get("kind"))) {
      problems.add(at + "kind " + kustomization.get("kind") + " is not Component");
    }
    Set<String> listed = new LinkedHashSet<>();
    if (kustomization.get("resources") instanceof List<?> resources) {
      resources.forEach(r -> listed.add(String.valueOf(r)));
    }
    Yamls.list(kustomization.get("patches")).stream().filter(p -> p.get("path") != null).forEach(p -> listed.add(String.valueOf(p.get("path"))));
    for (String entry : listed) {
      if (!Files.exists(dir.resolve(entry))) {
        problems.add(at + "lists " + entry + ", which does not exist");
      }
    }
    for (String yaml : yamlFiles(dir)) {
      if (!yaml.equals("kustomization.yaml") && !listed.contains(yaml)) {
        problems.add(at + yaml + " is listed neither in resources nor in patches");
      }
    }
    return problems;
  }

  /** The component paths a text mentions ({@code ../../components/keda}), in order of first mention. */
  static List<String> mentions(String text) {
    Set<String> found = new LinkedHashSet<>();
    Matcher m = MENTION.matcher(text);
    while (m.find()) {
      found.add(m.group());
    }
    return List.copyOf(found);
  }

  private static Set<String> yamlFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
