package dev.topiary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ComposeDriftTest {
  private final DriftCheck check = new DriftCheck(Repo.root());

  @Test
  void composeAgreesWithTheModules() {
    List<Container> containers = ComposeFile.containers(Repo.read("docker-compose.yml"));
    assertEquals(List.of(), check.problems(containers));
    Set<String> modules = containers.stream().map(Container::module).collect(Collectors.toSet());
    assertEquals(Set.of("gateway", "rank-service", "prune-service", "finetune-service", "eval-service"), modules);
  }

  @Test
  void gpuVariantsReserveAGpuAndCpuVariantsDoNot() {
    String compose = Repo.read("docker-compose.yml");
    List<Container> containers = ComposeFile.containers(compose);
    long gpu = containers.stream().filter(c -> "Dockerfile.gpu".equals(c.dockerfile())).count();
    assertEquals(3, gpu);
    assertTrue(compose.contains("driver: nvidia") && compose.contains("capabilities: [gpu]"));
  }

  @Test
  void credentialsComeOnlyFromTheEnvFile() {
    String compose = Repo.read("docker-compose.yml");
    for (String secret : List.of("TOPIARY_S3_SECRET_KEY", "MINIO_ROOT_PASSWORD", "GRAFANA_ADMIN_PASSWORD", "TOPIARY_API_TOKEN")) {
      assertTrue(compose.matches("(?s).*\\b\\w+: \\$\\{" + secret + "(:\\?[^}]*)?}.*"), secret);
      assertTrue(!compose.contains("change-me"), "a default secret in docker-compose.yml");
      assertTrue(Repo.read(".env.example").contains(secret + "="), secret);
    }
  }

  @Test
  void catchesAnUnknownVariableAWrongPortAndAWrongHealthPath() {
    String yaml = """
        services:
          rank:
            build: {context: ./rank-service, dockerfile: src/main/docker/Dockerfile.jvm}
            environment:
              TOPIARY_S3_ENDPONT: http://minio:9000
              TOPIARY_STAGE_INTRA_OP_THREADS: "4"
            expose: ["8080"]
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost:8081/health"]
        """;
    List<String> problems = check.problems(ComposeFile.containers(yaml));
    assertEquals(3, problems.size(), problems::toString);
    assertTrue(problems.get(0).contains("TOPIARY_S3_ENDPONT maps to no configuration key of rank-service"), problems::toString);
    assertTrue(problems.get(1).contains("port 8080 is not rank-service's quarkus.http.port 8081"), problems::toString);
    assertTrue(problems.get(2).contains("health check path /health"), problems::toString);
  }

  @Test
  void catchesAMissingModuleADockerfileAndAnAbsentHealthCheck() {
    String yaml = """
        x-env: &env {KAFKA_BOOTSTRAP_SERVERS: kafka:9092}
        services:
          pruner:
            build: {context: ./pruner-service}
          prune:
            build: {context: ./prune-service, dockerfile: src/main/docker/Dockerfile.gpu}
            environment: {<<: *env, MP_MESSAGING_INCOMING_STEPS_GROUP_ID: topiary-prune}
          gateway:
            image: topiary/gateway:cpu
        """;
    List<String> problems = check.problems(ComposeFile.containers(yaml));
    assertEquals(List.of(
        "docker-compose.yml services.pruner: runs pruner-service, which is no module (no pruner-service/pom.xml)",
        "docker-compose.yml services.prune: builds from Dockerfile.gpu, which prune-service/src/main/docker lacks",
        "docker-compose.yml services.prune: has no HTTP health check"), problems.subList(0, 3));
  }
}
