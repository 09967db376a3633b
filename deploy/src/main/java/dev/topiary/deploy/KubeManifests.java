package dev.topiary.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Kubernetes manifests as documents: every YAML document of a folder tree (kustomizations and
 * JSON patches skipped) or of {@code kustomize build} output, with the Topiary containers of its
 * Deployments. A container's module is the name of its {@code topiary/<module>} image; its
 * variables include the keys of the ConfigMaps it takes whole through {@code envFrom}.
 *
 * <p>A strategic-merge patch file (components/keda-scale-to-zero's) reads as a partial document of
 * its kind: read such a folder on its own and apply its documents with {@link #patchedBy}, the way
 * kustomize applies them to a custom resource.
 */
public final class KubeManifests {
  private final List<Map<String, Object>> docs;

  private KubeManifests(List<Map<String, Object>> docs) {
    this.docs = List.copyOf(docs);
  }

  /** The documents of one YAML stream. */
  @SuppressWarnings("unchecked")
  public static KubeManifests parse(String yaml) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
      if (doc instanceof Map<?, ?> m && m.get("kind") != null && !String.valueOf(m.get("kind")).startsWith("Kustomization")
          && !"Component".equals(m.get("kind"))) {
        docs.add((Map<String, Object>) m);
      }
    }
    return new KubeManifests(docs);
  }

  /** Every manifest document under {@code dir}. */
  public static KubeManifests read(Path dir) {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
        all.append("---\n").append(Files.readString(file)).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read manifests under " + dir, e);
    }
    return parse(all.toString());
  }

  /** The documents of a kind. */
  public List<Map<String, Object>> ofKind(String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  /**
   * These documents with patches applied, each to the document of its kind and {@code
   * metadata.name}, as a JSON merge patch (RFC 7386): maps merge key by key, a null removes the
   * key, anything else (lists included) replaces the value. That is kustomize's strategic merge on
   * a custom resource, which has no schema to merge lists by.
   *
   * @throws IllegalArgumentException for a patch that matches no document, as kustomize refuses it
   */
  public KubeManifests patchedBy(List<Map<String, Object>> patches) {
    List<Map<String, Object>> out = new ArrayList<>(docs);
    for (Map<String, Object> patch : patches) {
      int i = indexOf(out, patch.get("kind"), Yamls.at(patch, "metadata", "name"));
      if (i < 0) {
        throw new IllegalArgumentException("patch " + patch.get("kind") + " " + Yamls.at(patch, "metadata", "name") + " matches no document");
      }
      out.set(i, Yamls.merged(out.get(i), patch));
    }
    return new KubeManifests(out);
  }

  private static int indexOf(List<Map<String, Object>> docs, Object kind, Object name) {
    for (int i = 0; i < docs.size(); i++) {
      if (Objects.equals(docs.get(i).get("kind"), kind) && Objects.equals(Yamls.at(docs.get(i), "metadata", "name"), name)) {
        return i;
      }
    }
    return -1;
  }

  /** The module a Deployment runs: its first {@code topiary/<module>} container's, null when none. */
  public static String module(Map<String, Object> deployment) {
    for (Map<String, Object> c : Yamls.list(Yamls.at(deployment, "spec", "template", "spec", "containers"))) {
      String image = String.valueOf(c.get("image"));
      if (image.startsWith("topiary/")) {
        return moduleOf(image);
      }
    }
    return null;
  }

  private static String moduleOf(String image) {
    return image.substring("topiary/".length()).replaceAll("[:@].*", "");
  }

  /** The Topiary containers of every Deployment. */
  @SuppressWarnings("unchecked")
  public List<Container> containers() {
    Map<String, Set<String>> configMapKeys = new HashMap<>();
    for (Map<String, Object> cm : ofKind("ConfigMap")) {
      Map<String, Object> data = (Map<String, Object>) cm.getOrDefault("data", Map.of());
      configMapKeys.put(String.valueOf(Yamls.at(cm, "metadata", "name")), data.keySet());
    }
    List<Container> out = new ArrayList<>();
    for (Map<String, Object> deployment : ofKind("Deployment")) {
      String name = String.valueOf(Yamls.at(deployment, "metadata", "name"));
      for (Map<String, Object> c : Yamls.list(Yamls.at(deployment, "spec", "template", "spec", "containers"))) {
        String image = String.valueOf(c.get("image"));
        if (image.startsWith("topiary/")) {
          out.add(container("Deployment " + name + " container " + c.get("name"), image, c, configMapKeys));
        }
      }
    }
    return out;
  }

  private static Container container(String where, String image, Map<String, Object> c, Map<String, Set<String>> configMapKeys) {
    String module = moduleOf(image);
    Set<String> env = new TreeSet<>();
    List<String> unresolved = new ArrayList<>();
    Yamls.list(c.get("env")).forEach(e -> env.add(String.valueOf(e.get("name"))));
    for (Map<String, Object> from : Yamls.list(c.get("envFrom"))) {
      Object ref = Yamls.at(from, "configMapRef", "name");
      if (ref != null) {
        Set<String> keys = configMapKeys.get(String.valueOf(ref));
        if (keys == null) {
          unresolved.add("envFrom ConfigMap " + ref);
        } else {
          env.addAll(keys);
        }
      }
    }
    Map<String, Integer> named = new HashMap<>();
    Set<Integer> ports = new TreeSet<>();
    for (Map<String, Object> p : Yamls.list(c.get("ports"))) {
      int port = ((Number) p.get("containerPort")).intValue();
      ports.add(port);
      if (p.get("name") != null) {
        named.put(String.valueOf(p.get("name")), port);
      }
    }
    List<Container.HttpCheck> checks = new ArrayList<>();
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      Object path = Yamls.at(c, probe, "httpGet", "path");
      Object port = Yamls.at(c, probe, "httpGet", "port");
      if (path != null) {
        int p = port instanceof Number n ? n.intValue() : named.getOrDefault(String.valueOf(port), -1);
        checks.add(new Container.HttpCheck(p, String.valueOf(path)));
      }
    }
    return new Container(where, module, null, env, ports, checks, unresolved);
  }
}
