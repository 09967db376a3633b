package dev.topiary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KubernetesDriftTest {
  private final DriftCheck check = new DriftCheck(Repo.root());
  private final KubeManifests manifests = KubeManifests.read(Repo.root().resolve("deploy/kubernetes"));

  @Test
  void deploymentsAgreeWithTheModules() {
    List<Container> containers = manifests.containers();
    assertEquals(List.of(), check.problems(containers));
    assertEquals(Set.of("gateway", "rank-service", "prune-service", "finetune-service", "eval-service"),
        containers.stream().map(Container::module).collect(Collectors.toSet()));
    for (Container c : containers) {
      assertEquals(3, c.checks().size(), c.where() + ": startup, liveness and readiness probes");
      assertTrue(c.env().containsAll(Set.of("KAFKA_BOOTSTRAP_SERVERS", "TOPIARY_S3_ACCESS_KEY", "TOPIARY_S3_SECRET_KEY")), c.where());
    }
  }

  @Test
  void everyDeploymentHasRequestsLimitsAndRunsAsNonRoot() {
    for (Map<String, Object> d : manifests.ofKind("Deployment")) {
      Object name = Yamls.at(d, "metadata", "name");
      assertEquals(Boolean.TRUE, Yamls.at(d, "spec", "template", "spec", "securityContext", "runAsNonRoot"), "" + name);
      for (Map<String, Object> c : Yamls.list(Yamls.at(d, "spec", "template", "spec", "containers"))) {
        assertTrue(Yamls.at(c, "resources", "requests", "cpu") != null && Yamls.at(c, "resources", "requests", "memory") != null, "" + name);
        assertTrue(Yamls.at(c, "resources", "limits", "cpu") != null && Yamls.at(c, "resources", "limits", "memory") != null, "" + name);
      }
    }
  }

  @Test
  void servicesExposeTheModulesPorts() {
    for (Map<String, Object> s : manifests.ofKind("Service")) {
      String name = String.valueOf(Yamls.at(s, "metadata", "name"));
      int port = ServiceModule.load(Repo.root(), name).map(ServiceModule::port).orElse(8080);
      assertEquals(port, ((Number) Yamls.list(Yamls.at(s, "spec", "ports")).get(0).get("port")).intValue(), name);
    }
  }

  @Test
  void catchesAnUnknownVariableAMissingConfigMapAndAProbeOnTheWrongPort() {
    String yaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: eval-service}
        spec:
          template:
            spec:
              containers:
                - name: eval
                  image: topiary/eval-service:gpu
                  ports: [{name: http, containerPort: 8084}, {name: debug, containerPort: 5005}]
                  envFrom: [{configMapRef: {name: topiary-settings}}]
                  env: [{name: TOPIARY_STAGE_LATENCY_RUNS, value: "50"}, {name: TOPIARY_STAGE_RETRY_ATTEMPS, value: "2"}]
                  livenessProbe: {httpGet: {path: /q/health/live, port: debug}}
                  readinessProbe: {httpGet: {path: /q/health/ready, port: metrics}}
        """;
    List<String> problems = check.problems(KubeManifests.parse(yaml).containers());
    String at = "Deployment eval-service container eval: ";
    assertEquals(List.of(
        at + "environment variable TOPIARY_STAGE_RETRY_ATTEMPS maps to no configuration key of eval-service",
        at + "port 5005 is not eval-service's quarkus.http.port 8084",
        at + "health check on port 5005, but eval-service listens on 8084",
        at + "health check on port -1, but eval-service listens on 8084",
        at + "envFrom ConfigMap topiary-settings is not among the manifests"), problems);
  }
}
