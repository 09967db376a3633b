package dev.topiary.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Compares KEDA ScaledObjects with the Deployments they scale and the stage services those run, and
 * lists every disagreement, each naming the ScaledObject and the field.
 *
 * <p>A ScaledObject scales a Deployment among the manifests, in its namespace, that runs a stage
 * service (one with a {@code steps} consumer group); every stage's Deployment has exactly one. Each
 * kafka trigger names the stage's group, the Kafka bootstrap Service, the stage's offset reset
 * policy and, if any, a topic the stage consumes and {@code Topics} declares. {@code
 * maxReplicaCount} is set and at most {@code Topics.PARTITIONS} (an instance beyond the partition
 * count gets no partition), {@code minReplicaCount} at most that.
 *
 * <p>Scale to zero ({@code minReplicaCount} 0, KEDA's default) is for the GPU stages, those with a
 * {@code Dockerfile.gpu}. It then needs each trigger to activate on one waiting record and a trigger
 * naming each topic the stage consumes: with no instance running, a topic-less trigger sees the
 * group's lag only on topics it has committed offsets on, so the first event on any other topic
 * would never wake the stage.
 */
public final class KedaCheck {
  static final String GROUP = "mp.messaging.incoming.steps.group.id";
  static final String TOPICS = "mp.messaging.incoming.steps.topics";
  static final String OFFSET_RESET = "mp.messaging.incoming.steps.auto.offset.reset";
  static final String ENABLED = "mp.messaging.incoming.steps.enabled";

  private final Path root;
  private final Set<String> topics;
  private final int partitions;
  private final String bootstrap;

  /**
   * @param root the repository, whose modules the targets run
   * @param topics every topic name {@code Topics} declares
   * @param partitions {@code Topics.PARTITIONS}
   * @param bootstrap the address every trigger must name ({@link #bootstrapOf})
   */
  public KedaCheck(Path root, Set<String> topics, int partitions, String bootstrap) {
    this.root = root;
    this.topics = Set.copyOf(topics);
    this.partitions = partitions;
    this.bootstrap = bootstrap;
  }

  /** The bootstrap address of the one Strimzi Kafka: {@code <name>-kafka-bootstrap:<port>} of its first listener without TLS. */
  public static String bootstrapOf(KubeManifests strimzi) {
    List<Map<String, Object>> kafkas = strimzi.ofKind("Kafka");
    if (kafkas.size() != 1) {
      throw new IllegalArgumentException("expected one Kafka resource, found " + kafkas.size());
    }
    Object name = Yamls.at(kafkas.get(0), "metadata", "name");
    for (Map<String, Object> listener : Yamls.list(Yamls.at(kafkas.get(0), "spec", "kafka", "listeners"))) {
      if (!Boolean.TRUE.equals(listener.get("tls"))) {
        return name + "-kafka-bootstrap:" + listener.get("port");
      }
    }
    throw new IllegalArgumentException("Kafka " + name + " has no listener without TLS");
  }

  /** Every problem of the ScaledObjects among {@code scaling}, whose targets are the Deployments among {@code deployments}. */
  public List<String> problems(KubeManifests scaling, KubeManifests deployments) {
    Map<String, Map<String, Object>> byName = new TreeMap<>();
    deployments.ofKind("Deployment").forEach(d -> byName.put(String.valueOf(Yamls.at(d, "metadata", "name")), d));
    Map<String, List<String>> scaledBy = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> so : scaling.ofKind("ScaledObject")) {
      String name = String.valueOf(Yamls.at(so, "metadata", "name"));
      String at = "ScaledObject " + name + ": ";
      Object kind = Yamls.at(so, "spec", "scaleTargetRef", "kind");
      String target = String.valueOf(Yamls.at(so, "spec", "scaleTargetRef", "name"));
      Map<String, Object> deployment = byName.get(target);
      if (kind != null && !"Deployment".equals(kind)) {
        problems.add(at + "scaleTargetRef.kind " + kind + " is not Deployment");
        continue;
      }
      if (deployment == null) {
        problems.add(at + "scaleTargetRef.name " + target + " is no Deployment among the manifests");
        continue;
      }
      scaledBy.computeIfAbsent(target, t -> new ArrayList<>()).add(name);
      Object namespace = Yamls.at(so, "metadata", "namespace");
      Object targetNamespace = Yamls.at(deployment, "metadata", "namespace");
      if (!Objects.equals(namespace, targetNamespace)) {
        problems.add(at + "metadata.namespace " + Objects.requireNonNullElse(namespace, "(none)") + " is not Deployment " + target
            + "'s namespace " + Objects.requireNonNullElse(targetNamespace, "(none)"));
      }
      Optional<ServiceModule> stage = stage(KubeManifests.module(deployment));
      if (stage.isEmpty()) {
        problems.add(at + "scaleTargetRef.name " + target + " runs " + KubeManifests.module(deployment)
            + ", which is no stage service (no " + GROUP + ")");
        continue;
      }
      problems.addAll(replicaProblems(at, so, stage.get()));
      problems.addAll(triggerProblems(at, so, stage.get()));
    }
    problems.addAll(coverageProblems(byName, scaledBy));
    return problems;
  }

  /** A stage's Deployment with no ScaledObject, any Deployment with several. */
  private List<String> coverageProblems(Map<String, Map<String, Object>> deployments, Map<String, List<String>> scaledBy) {
    List<String> problems = new ArrayList<>();
    deployments.forEach((name, d) -> {
      List<String> scalers = scaledBy.getOrDefault(name, List.of());
      if (scalers.isEmpty() && stage(KubeManifests.module(d)).isPresent()) {
        problems.add("Deployment " + name + ": runs a stage service, but no ScaledObject scales it");
      } else if (scalers.size() > 1) {
        problems.add("Deployment " + name + ": scaled by " + scalers.size() + " ScaledObjects " + scalers + ", whose HPAs would fight");
      }
    });
    return problems;
  }

  private Optional<ServiceModule> stage(String module) {
    return Optional.ofNullable(module).flatMap(m -> ServiceModule.load(root, m))
        .filter(m -> m.property(GROUP).isPresent() && !"false".equals(m.property(ENABLED).orElse("true")));
  }

  private List<String> replicaProblems(String at, Map<String, Object> so, ServiceModule stage) {
    List<String> problems = new ArrayList<>();
    Object max = Yamls.at(so, "spec", "maxReplicaCount");
    Object minValue = Yamls.at(so, "spec", "minReplicaCount");
    int min = minValue instanceof Number n ? n.intValue() : 0;
    if (!(max instanceof Number m)) {
      problems.add(at + "maxReplicaCount is " + (max == null ? "unset (KEDA's default 100)" : max)
          + ", not a count of at most Topics.PARTITIONS " + partitions);
    } else if (m.intValue() > partitions) {
      problems.add(at + "maxReplicaCount " + m + " is above Topics.PARTITIONS " + partitions
          + ": an instance beyond the partition count gets no partition");
    } else if (min > m.intValue()) {
      problems.add(at + "minReplicaCount " + min + " is above maxReplicaCount " + m);
    }
    if (minValue != null && !(minValue instanceof Number)) {
      problems.add(at + "minReplicaCount " + minValue + " is not a count");
    } else if (min == 0 && !stage.dockerfiles().contains("Dockerfile.gpu")) {
      problems.add(at + "minReplicaCount " + (minValue == null ? "unset (KEDA's default 0)" : "0") + " scales " + stage.name()
          + " to zero, which only the GPU stages (with a Dockerfile.gpu) do");
    }
    return problems;
  }

  private List<String> triggerProblems(String at, Map<String, Object> so, ServiceModule stage) {
    List<String> problems = new ArrayList<>();
    boolean scalesToZero = !(Yamls.at(so, "spec", "minReplicaCount") instanceof Number n) || n.intValue() == 0;
    Set<String> consumed = stage.property(TOPICS).map(t -> Arrays.stream(t.split(",")).map(String::trim)
        .collect(Collectors.toCollection(TreeSet::new))).orElseGet(TreeSet::new);
    Set<String> named = new TreeSet<>();
    List<Map<String, Object>> triggers = Yamls.list(Yamls.at(so, "spec", "triggers"));
    int kafka = 0;
    for (int i = 0; i < triggers.size(); i++) {
      if ("kafka".equals(triggers.get(i).get("type"))) {
        kafka++;
        Map<String, Object> meta = Yamls.map(triggers.get(i).get("metadata"));
        problems.addAll(kafkaProblems(at + "triggers[" + i + "].", meta, stage, consumed, scalesToZero));
        Optional.ofNullable(meta.get("topic")).ifPresent(t -> named.add(String.valueOf(t)));
      }
    }
    if (kafka == 0) {
      problems.add(at + "has no kafka trigger");
    }
    if (scalesToZero) {
      consumed.stream().filter(t -> !named.contains(t)).forEach(t -> problems.add(at + "minReplicaCount 0, but no trigger names topic "
          + t + ", which " + stage.name() + " consumes: at zero instances KEDA sees lag only on topics the group has committed on"));
    }
    return problems;
  }

  private List<String> kafkaProblems(String field, Map<String, Object> meta, ServiceModule stage, Set<String> consumed,
      boolean scalesToZero) {
    List<String> problems = new ArrayList<>();
    expect(problems, field + "consumerGroup", meta.get("consumerGroup"), stage.property(GROUP).orElseThrow(), stage.name() + "'s " + GROUP);
    expect(problems, field + "bootstrapServers", meta.get("bootstrapServers"), bootstrap, "the Kafka bootstrap Service");
    String reset = stage.property(OFFSET_RESET).orElse("latest");
    if (!reset.equals(String.valueOf(meta.getOrDefault("offsetResetPolicy", "latest")))) {
      problems.add(field + "offsetResetPolicy " + meta.getOrDefault("offsetResetPolicy", "unset (KEDA's default latest)")
          + " is not " + stage.name() + "'s " + OFFSET_RESET + " " + reset);
    }
    Object topic = meta.get("topic");
    if (topic != null && !consumed.contains(String.valueOf(topic))) {
      problems.add(field + "topic " + topic + " is not among " + stage.name() + "'s " + TOPICS);
    }
    if (topic != null && !topics.contains(String.valueOf(topic))) {
      problems.add(field + "topic " + topic + " is no topic of Topics");
    }
    Object activation = meta.get("activationLagThreshold");
    if (scalesToZero && !"0".equals(String.valueOf(activation))) {
      problems.add(field + "activationLagThreshold is " + (activation == null ? "unset" : activation)
          + "; with minReplicaCount 0 it must be \"0\", so that one waiting step starts an instance");
    }
    return problems;
  }

  private static void expect(List<String> problems, String field, Object actual, String expected, String what) {
    if (!expected.equals(String.valueOf(actual))) {
      problems.add(field + " " + actual + " is not " + what + " " + expected);
    }
  }
}
