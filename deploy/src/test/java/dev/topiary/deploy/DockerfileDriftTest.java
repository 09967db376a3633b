package dev.topiary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerfileDriftTest {
  private static final List<String> SERVICES = List.of("gateway", "rank-service", "prune-service", "finetune-service", "eval-service");

  @Test
  void everyServiceHasANonRootJvmImageAndTheGpuStagesAGpuOne() {
    int checked = 0;
    for (String name : SERVICES) {
      var module = ServiceModule.load(Repo.root(), name);
      if (module.isEmpty()) {
        assertTrue(DriftCheck.PENDING.contains(name), name + " is no module");
        continue;
      }
      checked++;
      assertEquals(List.of(), DriftCheck.dockerfileProblems(module.get()));
      boolean gpu = Set.of("rank-service", "finetune-service", "eval-service").contains(name);
      assertEquals(gpu ? Set.of("Dockerfile.jvm", "Dockerfile.gpu") : Set.of("Dockerfile.jvm"), module.get().dockerfiles(), name);
    }
    assertTrue(checked >= 4, "checked " + checked);
  }

  @Test
  void catchesRootAWrongPortAndAGpuImageWithoutCuda(@TempDir Path root) throws Exception {
    Path module = root.resolve("x-service");
    Files.createDirectories(module.resolve("src/main/docker"));
    Files.createDirectories(module.resolve("src/main/resources"));
    Files.writeString(module.resolve("pom.xml"), "<project/>");
    Files.writeString(module.resolve("src/main/resources/application.properties"), "quarkus.http.port=8085\n");
    Files.writeString(module.resolve("src/main/docker/Dockerfile.gpu"), """
        FROM debian:bookworm-slim
        COPY target/quarkus-app/ /deployments/
        USER 10001
        USER root
        EXPOSE 8081
        HEALTHCHECK CMD curl -f http://localhost:8085/q/health/ready
        ENTRYPOINT ["sh", "-c", "exec java -Dai.djl.offline=true -jar /deployments/quarkus-run.jar"]
        """);
    String at = "x-service/src/main/docker/Dockerfile.gpu: ";
    assertEquals(List.of(at + "EXPOSE is not quarkus.http.port 8085", at + "runs as root (its last USER is root)",
        at + "does not check for libtorch CUDA (pytorch-native-cu124)"),
        DriftCheck.dockerfileProblems(ServiceModule.load(root, "x-service").orElseThrow()));
  }
}
