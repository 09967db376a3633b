package dev.topiary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The ScaledObjects of components/keda, and with components/keda-scale-to-zero applied, agree with
 * the stage services, {@code Topics} and the Strimzi cluster ({@link KedaCheck}).
 */
class KedaDriftTest {
  static final Path COMPONENTS = Repo.root().resolve("deploy/kubernetes/components");
  static final Set<String> STAGES = Set.of("rank-service", "prune-service", "finetune-service", "eval-service");

  private final KubeManifests base = KubeManifests.read(Repo.root().resolve("deploy/kubernetes/base"));
  private final KubeManifests strimzi = KubeManifests.read(COMPONENTS.resolve("strimzi"));
  private final KubeManifests keda = KubeManifests.read(COMPONENTS.resolve("keda"));
  private final KedaCheck check = check(KedaCheck.bootstrapOf(strimzi));

  static KedaCheck check(String bootstrap) {
    return new KedaCheck(Repo.root(), TopicsDriftTest.declared(), TopicsDriftTest.partitions(), bootstrap);
  }

  /** The ScaledObjects with components/keda-scale-to-zero's patches applied, as kustomize applies them. */
  static KubeManifests scaleToZero(KubeManifests keda) {
    return keda.patchedBy(KubeManifests.read(COMPONENTS.resolve("keda-scale-to-zero")).ofKind("ScaledObject"));
  }

  /** The stage modules with a Dockerfile.gpu: the only ones that may scale to zero. */
  static Set<String> gpuStages() {
    return STAGES.stream().filter(s -> ServiceModule.load(Repo.root(), s).orElseThrow().dockerfiles().contains("Dockerfile.gpu"))
        .collect(Collectors.toSet());
  }

  static Set<String> scaledToZero(KubeManifests manifests) {
    return manifests.ofKind("ScaledObject").stream().filter(so -> Integer.valueOf(0).equals(Yamls.at(so, "spec", "minReplicaCount")))
        .map(so -> String.valueOf(Yamls.at(so, "spec", "scaleTargetRef", "name"))).collect(Collectors.toSet());
  }

  /** Kafka keeps a group's committed offsets at least as long as any topic keeps its events. */
  static void assertOffsetsOutliveEvents(KubeManifests kafkaAndTopics) {
    Object minutes = Yamls.at(kafkaAndTopics.ofKind("Kafka").get(0), "spec", "kafka", "config", "offsets.retention.minutes");
    assertTrue(minutes instanceof Number, "offsets.retention.minutes is " + minutes);
    for (Map<String, Object> topic : kafkaAndTopics.ofKind("KafkaTopic")) {
      long retentionMs = ((Number) Yamls.at(topic, "spec", "config", "retention.ms")).longValue();
      assertTrue(((Number) minutes).longValue() * 60_000 >= retentionMs, Yamls.at(topic, "metadata", "name") + ": " + retentionMs + " ms");
    }
  }

  @Test
  void everyStageHasOneScaledObjectThatAgreesWithItsModule() {
    assertEquals(List.of(), check.problems(keda, base));
    Set<String> targets = keda.ofKind("ScaledObject").stream().map(so -> String.valueOf(Yamls.at(so, "spec", "scaleTargetRef", "name")))
        .collect(Collectors.toSet());
    assertEquals(STAGES, targets);
    assertEquals(Set.of(), scaledToZero(keda), "components/keda keeps one instance of every stage");
  }

  @Test
  void scaleToZeroTakesOnlyTheGpuStagesToZeroAndWakesThemOnEveryTopic() {
    KubeManifests patched = scaleToZero(keda);
    assertEquals(List.of(), check.problems(patched, base));
    assertEquals(Set.of("rank-service", "finetune-service", "eval-service"), gpuStages());
    assertEquals(gpuStages(), scaledToZero(patched));
    assertOffsetsOutliveEvents(strimzi.patchedBy(KubeManifests.read(COMPONENTS.resolve("keda-scale-to-zero")).ofKind("Kafka")));
  }

  @Test
  void triggersAndServicesReachTheSameKafkaOnTopicsThatExist() {
    Map<String, Object> config = base.ofKind("ConfigMap").stream().filter(c -> "topiary-config".equals(Yamls.at(c, "metadata", "name")))
        .findFirst().orElseThrow();
    assertEquals("topiary-kafka-bootstrap:9092", KedaCheck.bootstrapOf(strimzi));
    assertEquals(KedaCheck.bootstrapOf(strimzi), Yamls.at(config, "data", "KAFKA_BOOTSTRAP_SERVERS"));
    String consumed = ServiceModule.load(Repo.root(), "rank-service").orElseThrow().property(KedaCheck.TOPICS).orElseThrow();
    Set<String> topics = Arrays.stream(consumed.split(",")).map(String::trim).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(5, topics.size(), consumed);
    assertTrue(TopicsDriftTest.declared().containsAll(topics), consumed);
  }

  @Test
  void catchesAWrongGroupTooManyReplicasStrayTopicsAndAnotherKafka() {
    Map<String, Object> drifted = yaml("""
        kind: ScaledObject
        metadata: {name: rank-service}
        spec:
          maxReplicaCount: 7
          triggers:
            - type: kafka
              metadata: {bootstrapServers: "kafka:9092", consumerGroup: topiary-rnk, topic: topiary.job-requests.v1, offsetResetPolicy: earliest}
            - type: kafka
              metadata: {bootstrapServers: "topiary-kafka-bootstrap:9092", consumerGroup: topiary-rank, topic: topiary.job-submitted.v2}
        """);
    String at = "ScaledObject rank-service: ";
    assertEquals(List.of(
        at + "maxReplicaCount 7 is above Topics.PARTITIONS 6: an instance beyond the partition count gets no partition",
        at + "triggers[0].consumerGroup topiary-rnk is not rank-service's mp.messaging.incoming.steps.group.id topiary-rank",
        at + "triggers[0].bootstrapServers kafka:9092 is not the Kafka bootstrap Service topiary-kafka-bootstrap:9092",
        at + "triggers[0].topic topiary.job-requests.v1 is not among rank-service's mp.messaging.incoming.steps.topics",
        at + "triggers[1].offsetResetPolicy unset (KEDA's default latest) is not rank-service's mp.messaging.incoming.steps.auto.offset.reset earliest",
        at + "triggers[1].topic topiary.job-submitted.v2 is not among rank-service's mp.messaging.incoming.steps.topics",
        at + "triggers[1].topic topiary.job-submitted.v2 is no topic of Topics"), check.problems(keda.patchedBy(List.of(drifted)), base));
  }

  @Test
  void catchesAStageWithoutScalerAScaledGatewayAndTargetsThatAreNoDeployment() {
    String trigger = "triggers: [{type: kafka, metadata: {bootstrapServers: \"topiary-kafka-bootstrap:9092\", "
        + "consumerGroup: topiary-prune, offsetResetPolicy: earliest}}]";
    KubeManifests scaling = KubeManifests.parse("""
        kind: ScaledObject
        metadata: {name: gateway}
        spec: {scaleTargetRef: {name: gateway}, minReplicaCount: 1, maxReplicaCount: 2}
        ---
        kind: ScaledObject
        metadata: {name: pruner}
        spec: {scaleTargetRef: {name: pruner-service}, minReplicaCount: 1, maxReplicaCount: 2}
        ---
        kind: ScaledObject
        metadata: {name: prune-a}
        spec: {scaleTargetRef: {name: prune-service}, minReplicaCount: 3, maxReplicaCount: 2, %1$s}
        ---
        kind: ScaledObject
        metadata: {name: prune-b, namespace: topiary}
        spec: {scaleTargetRef: {name: prune-service, kind: StatefulSet}}
        ---
        kind: ScaledObject
        metadata: {name: prune-c, namespace: topiary}
        spec: {scaleTargetRef: {name: prune-service}, minReplicaCount: 1, maxReplicaCount: 2, %1$s}
        """.formatted(trigger));
    assertEquals(List.of(
        "ScaledObject gateway: scaleTargetRef.name gateway runs gateway, which is no stage service (no mp.messaging.incoming.steps.group.id)",
        "ScaledObject pruner: scaleTargetRef.name pruner-service is no Deployment among the manifests",
        "ScaledObject prune-a: minReplicaCount 3 is above maxReplicaCount 2",
        "ScaledObject prune-b: scaleTargetRef.kind StatefulSet is not Deployment",
        "ScaledObject prune-c: metadata.namespace topiary is not Deployment prune-service's namespace (none)",
        "Deployment eval-service: runs a stage service, but no ScaledObject scales it",
        "Deployment finetune-service: runs a stage service, but no ScaledObject scales it",
        "Deployment prune-service: scaled by 2 ScaledObjects [prune-a, prune-c], whose HPAs would fight",
        "Deployment rank-service: runs a stage service, but no ScaledObject scales it"), check.problems(scaling, base));
  }

  @Test
  void catchesScaleToZeroOnTheCpuStageAndAGpuStageThatCouldNotWake() {
    Map<String, Object> prune = yaml("""
        kind: ScaledObject
        metadata: {name: prune-service}
        spec: {minReplicaCount: null}
        """);
    Map<String, Object> eval = yaml("""
        kind: ScaledObject
        metadata: {name: eval-service}
        spec:
          minReplicaCount: 0
          triggers:
            - type: kafka
              metadata: {bootstrapServers: "topiary-kafka-bootstrap:9092", consumerGroup: topiary-eval, offsetResetPolicy: earliest, activationLagThreshold: "2"}
            - type: kafka
              metadata: {bootstrapServers: "topiary-kafka-bootstrap:9092", consumerGroup: topiary-eval, offsetResetPolicy: earliest, topic: topiary.job-submitted.v1}
        """);
    List<String> problems = check.problems(keda.patchedBy(List.of(prune, eval)), base);
    String at = "ScaledObject eval-service: ";
    String unseen = ", which eval-service consumes: at zero instances KEDA sees lag only on topics the group has committed on";
    assertEquals(List.of(
        at + "triggers[0].activationLagThreshold is 2; with minReplicaCount 0 it must be \"0\", so that one waiting step starts an instance",
        at + "triggers[1].activationLagThreshold is unset; with minReplicaCount 0 it must be \"0\", so that one waiting step starts an instance",
        at + "minReplicaCount 0, but no trigger names topic topiary.epoch-tuned.v1" + unseen,
        at + "minReplicaCount 0, but no trigger names topic topiary.layer-pruned.v1" + unseen,
        at + "minReplicaCount 0, but no trigger names topic topiary.model-evaluated.v1" + unseen,
        at + "minReplicaCount 0, but no trigger names topic topiary.rank-computed.v1" + unseen),
        problems.stream().filter(p -> p.startsWith(at)).toList());
    assertEquals("ScaledObject prune-service: minReplicaCount unset (KEDA's default 0) scales prune-service to zero, "
        + "which only the GPU stages (with a Dockerfile.gpu) do", problems.get(0));
    assertEquals(6, problems.stream().filter(p -> p.startsWith("ScaledObject prune-service: ")).count(), problems::toString);
  }

  @Test
  void aPatchMergesMapsReplacesListsAndMustMatchADocument() {
    KubeManifests patched = scaleToZero(keda);
    Map<String, Object> rank = patched.ofKind("ScaledObject").stream()
        .filter(so -> "rank-service".equals(Yamls.at(so, "metadata", "name"))).findFirst().orElseThrow();
    assertEquals(6, Yamls.list(Yamls.at(rank, "spec", "triggers")).size());
    assertEquals(6, Yamls.at(rank, "spec", "maxReplicaCount"), "kept from components/keda");
    assertEquals(900, Yamls.at(rank, "spec", "cooldownPeriod"));
    KubeManifests unset = keda.patchedBy(List.of(yaml("{kind: ScaledObject, metadata: {name: rank-service}, spec: {minReplicaCount: null}}")));
    Map<String, Object> spec = Yamls.map(Yamls.at(unset.ofKind("ScaledObject").get(0), "spec"));
    assertFalse(spec.containsKey("minReplicaCount"));
    assertEquals(15, spec.get("pollingInterval"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> keda.patchedBy(List.of(yaml("{kind: ScaledObject, metadata: {name: rank-servic}}"))));
    assertEquals("patch ScaledObject rank-servic matches no document", e.getMessage());
  }

  static Map<String, Object> yaml(String text) {
    return Yamls.map(new Yaml(new SafeConstructor(new LoaderOptions())).load(text));
  }
}
