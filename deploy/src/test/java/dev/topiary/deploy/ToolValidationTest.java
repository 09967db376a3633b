package dev.topiary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The files through the real tools where this machine has them, skipped otherwise: {@code docker
 * compose config} (or docker-compose v1) parses and validates the compose file without an engine;
 * {@code kubectl kustomize} builds each overlay, whose Deployments then pass the drift check and
 * whose dashboard ConfigMap carries the dashboard files byte for byte.
 */
class ToolValidationTest {
  record Result(int code, String out) {}

  static Result run(Path dir, String... command) {
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, out);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /** docker compose, else docker-compose; empty when neither runs here. */
  static List<String> compose() {
    if (run(Repo.root(), "docker", "compose", "version").code() == 0) {
      return List.of("docker", "compose");
    }
    if (run(Repo.root(), "docker-compose", "version").code() == 0) {
      return List.of("docker-compose");
    }
    return List.of();
  }

  static Result composeConfig(Path file, String... profile) {
    List<String> cmd = new ArrayList<>(compose());
    cmd.addAll(List.of("--env-file", Repo.root().resolve(".env.example").toString(), "-f", file.toString()));
    cmd.addAll(List.of(profile));
    cmd.addAll(List.of("config", "-q"));
    return run(Repo.root(), cmd.toArray(String[]::new));
  }

  @Test
  void composeConfigAcceptsTheFileInBothProfiles() {
    assumeTrue(!compose().isEmpty(), "no docker compose CLI here");
    Path file = Repo.root().resolve("docker-compose.yml");
    for (String profile : List.of("cpu", "gpu")) {
      Result r = composeConfig(file, "--profile", profile);
      assertEquals(0, r.code(), profile + ": " + r.out());
    }
  }

  @Test
  void composeConfigRejectsAnInvalidFile() throws IOException {
    assumeTrue(!compose().isEmpty(), "no docker compose CLI here");
    Path bad = Files.createTempFile(Path.of("target").toAbsolutePath(), "compose", ".yml");
    Files.writeString(bad, "services:\n  kafka:\n    image: apache/kafka:3.9.1\n    depends_on:\n      minio:\n        condition: service_sleepy\n");
    assertNotEquals(0, composeConfig(bad).code());
  }

  @Test
  void overlaysBuildAndAgreeWithTheModules() throws IOException {
    assumeTrue(run(Repo.root(), "kubectl", "version", "--client").code() == 0, "no kubectl here");
    for (String overlay : List.of("cpu", "gpu")) {
      Result r = run(Repo.root(), "kubectl", "kustomize", "deploy/kubernetes/overlays/" + overlay);
      assertEquals(0, r.code(), overlay + ": " + r.out());
      KubeManifests built = KubeManifests.parse(r.out());
      assertEquals(List.of(), new DriftCheck(Repo.root()).problems(built.containers()), overlay);
      assertEquals(5, built.ofKind("Deployment").size(), overlay);
      long gpus = built.ofKind("Deployment").stream()
          .filter(d -> String.valueOf(Yamls.at(d, "spec", "template", "spec", "containers")).contains("nvidia.com/gpu=1")).count();
      assertEquals(overlay.equals("gpu") ? 3 : 0, gpus, overlay);
      Map<String, Object> dashboards = built.ofKind("ConfigMap").stream()
          .filter(c -> "grafana-dashboards-topiary".equals(Yamls.at(c, "metadata", "name"))).findFirst().orElseThrow();
      for (String name : List.of("pipeline-overview.json", "job-detail.json", "workers.json")) {
        assertEquals(Repo.read("deploy/grafana/" + name), Yamls.at(dashboards, "data", name), name);
      }
    }
  }

  @Test
  void kustomizeRejectsABrokenPatch() throws IOException {
    assumeTrue(run(Repo.root(), "kubectl", "version", "--client").code() == 0, "no kubectl here");
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "overlay");
    String base = dir.relativize(Repo.root().resolve("deploy/kubernetes/base")).toString();
    String overlay = "resources: [" + base + "]\npatches:\n  - target: {kind: Deployment, name: prune-service}\n"
        + "    patch: |\n      - op: test\n        path: /spec/template/spec/containers/0/env/2/name\n        value: %s\n";
    Files.writeString(dir.resolve("kustomization.yaml"), overlay.formatted("TOPIARY_STAGE_DEVICE"));
    Result good = run(dir, "kubectl", "kustomize", ".");
    assertEquals(0, good.code(), good.out());
    Files.writeString(dir.resolve("kustomization.yaml"), overlay.formatted("TOPIARY_STAGE_DEVIC"));
    Result bad = run(dir, "kubectl", "kustomize", ".");
    assertNotEquals(0, bad.code(), bad.out());
    assertTrue(bad.out().contains("test"), bad.out());
  }
}
