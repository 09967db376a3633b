package dev.topiary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The KEDA components build in every overlay that tells the operator to add them: without
 * kustomize, every component path an overlay or deploy/README.md mentions is a Component folder
 * whose listed files exist; with {@code kubectl kustomize}, each overlay built with its documented
 * components added, in the documented order, passes {@link KedaCheck}.
 */
class KedaComponentTest {
  private static final Path KUBE = Repo.root().resolve("deploy/kubernetes");
  private static final String KEDA = "../../components/keda";
  private static final String SCALE_TO_ZERO = "../../components/keda-scale-to-zero";

  /** Each overlay and the component paths its kustomization.yaml mentions without listing them, in order of mention. */
  static Map<Path, List<String>> documented() {
    Map<Path, List<String>> out = new LinkedHashMap<>();
    try (Stream<Path> dirs = Files.list(KUBE.resolve("overlays"))) {
      for (Path overlay : dirs.filter(Files::isDirectory).sorted().toList()) {
        String text = Files.readString(overlay.resolve("kustomization.yaml"));
        List<String> mentioned = new ArrayList<>(ComponentLayout.mentions(text));
        if (KedaDriftTest.yaml(text).get("components") instanceof List<?> listed) {
          mentioned.removeAll(listed);
        }
        out.put(overlay, mentioned);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  @Test
  void theOverlaysDocumentTheKedaComponentsInTheOrderTheyApply() {
    Map<Path, List<String>> documented = documented();
    assertEquals(List.of(KEDA), documented.get(KUBE.resolve("overlays/cpu")));
    assertEquals(List.of(KEDA, SCALE_TO_ZERO), documented.get(KUBE.resolve("overlays/gpu")));
    List<String> readme = ComponentLayout.mentions(Repo.read("deploy/README.md"));
    assertTrue(readme.indexOf(KEDA) >= 0 && readme.indexOf(KEDA) < readme.indexOf(SCALE_TO_ZERO), readme.toString());
  }

  @Test
  void everyDocumentedComponentIsAComponentWhoseFilesExist() {
    List<String> mentions = new ArrayList<>(ComponentLayout.mentions(Repo.read("deploy/README.md")));
    documented().values().forEach(mentions::addAll);
    for (String mention : mentions) {
      Path dir = KUBE.resolve("overlays/gpu").resolve(mention).normalize();
      assertTrue(Files.isDirectory(dir), mention + " resolves to no folder from an overlay");
      assertEquals(List.of(), ComponentLayout.problems(dir), mention);
    }
    for (String component : List.of("keda", "keda-scale-to-zero", "strimzi")) {
      assertEquals(List.of(), ComponentLayout.problems(KUBE.resolve("components").resolve(component)), component);
    }
  }

  @Test
  void catchesAKustomizationThatIsNoComponentAMissingFileAndAnUnlistedOne() throws IOException {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "component");
    Files.writeString(dir.resolve("kustomization.yaml"), "kind: Kustomization\nresources: [scaledobjects.yaml]\npatches:\n  - path: gpu.yaml\n");
    Files.writeString(dir.resolve("scaledobject.yaml"), "kind: ScaledObject\n");
    Files.writeString(dir.resolve("gpu.yaml"), "kind: ScaledObject\n");
    String at = "target/" + dir.getFileName() + ": ";
    assertEquals(List.of(
        at + "kind Kustomization is not Component",
        at + "lists scaledobjects.yaml, which does not exist",
        at + "scaledobject.yaml is listed neither in resources nor in patches"), ComponentLayout.problems(dir));
  }

  @Test
  void overlaysBuildWithTheirDocumentedComponents() throws IOException {
    assumeTrue(ToolValidationTest.run(Repo.root(), "kubectl", "version", "--client").code() == 0, "no kubectl here");
    for (Map.Entry<Path, List<String>> overlay : documented().entrySet()) {
      for (int n = 1; n <= overlay.getValue().size(); n++) {
        List<String> added = overlay.getValue().subList(0, n);
        String label = overlay.getKey().getFileName() + " + " + added;
        KubeManifests built = build(overlay.getKey(), added);
        assertEquals(List.of(), KedaDriftTest.check(KedaCheck.bootstrapOf(built)).problems(built, built), label);
        assertEquals(KedaDriftTest.STAGES.size(), built.ofKind("ScaledObject").size(), label);
        boolean toZero = added.contains(SCALE_TO_ZERO);
        assertEquals(toZero ? KedaDriftTest.gpuStages() : Set.of(), KedaDriftTest.scaledToZero(built), label);
        if (toZero) {
          KedaDriftTest.assertOffsetsOutliveEvents(built);
          assertEquals(specs(KedaDriftTest.scaleToZero(KubeManifests.read(KUBE.resolve("components/keda")))), specs(built),
              label + ": KubeManifests.patchedBy agrees with kustomize");
        }
      }
    }
  }

  /** kubectl kustomize on a copy of the overlay with {@code components} appended to its own. */
  @SuppressWarnings("unchecked")
  private static KubeManifests build(Path overlay, List<String> components) throws IOException {
    Path copy = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "overlay");
    for (String tree : List.of("deploy/kubernetes", "deploy/grafana")) {
      copyTree(Repo.root().resolve(tree), copy.resolve(tree));
    }
    Path file = copy.resolve(Repo.root().relativize(overlay)).resolve("kustomization.yaml");
    Map<String, Object> kustomization = KedaDriftTest.yaml(Files.readString(file));
    List<Object> listed = new ArrayList<>((List<Object>) kustomization.getOrDefault("components", List.of()));
    listed.addAll(components);
    kustomization.put("components", listed);
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Files.writeString(file, new Yaml(options).dump(kustomization));
    ToolValidationTest.Result r = ToolValidationTest.run(file.getParent(), "kubectl", "kustomize", ".");
    assertEquals(0, r.code(), overlay.getFileName() + " + " + components + ": " + r.out());
    return KubeManifests.parse(r.out());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  private static Map<Object, Object> specs(KubeManifests manifests) {
    Map<Object, Object> specs = new LinkedHashMap<>();
    manifests.ofKind("ScaledObject").forEach(so -> specs.put(Yamls.at(so, "metadata", "name"), so.get("spec")));
    return specs;
  }
}
