package dev.topiary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The topics the deployments create are exactly Topics' constants, with Topics.PARTITIONS each. */
class TopicsDriftTest {
  private static final String TOPICS = "pipeline/src/main/java/dev/topiary/pipeline/event/Topics.java";

  static Set<String> declared() {
    Set<String> topics = new TreeSet<>();
    Matcher m = Pattern.compile("static final String \\w+ = \"(topiary\\.[^\"]+)\"").matcher(Repo.read(TOPICS));
    while (m.find()) {
      topics.add(m.group(1));
    }
    return topics;
  }

  static int partitions() {
    Matcher m = Pattern.compile("static final int PARTITIONS = (\\d+);").matcher(Repo.read(TOPICS));
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  static Set<String> created(String composeInit) {
    Set<String> topics = new TreeSet<>();
    Matcher m = Pattern.compile("\\btopiary\\.[a-z-]+\\.v\\d+\\b").matcher(composeInit);
    while (m.find()) {
      topics.add(m.group());
    }
    return topics;
  }

  @Test
  void composeCreatesEveryTopicWithThePipelinesPartitions() {
    String compose = Repo.read("docker-compose.yml");
    String init = compose.substring(compose.indexOf("  kafka-init:"), compose.indexOf("  minio:"));
    assertEquals(10, declared().size()); // the event topics, job requests, job rejections, dead letters
    assertEquals(declared(), created(init));
    assertEquals(partitions(), Integer.parseInt(init.replaceAll("(?s).*--partitions (\\d+).*", "$1")));
  }

  @Test
  void strimziDeclaresEveryTopicWithThePipelinesPartitions() {
    KubeManifests manifests = KubeManifests.read(Repo.root().resolve("deploy/kubernetes/components/strimzi"));
    Set<String> names = new LinkedHashSet<>();
    for (Map<String, Object> topic : manifests.ofKind("KafkaTopic")) {
      names.add(String.valueOf(Yamls.at(topic, "spec", "topicName")));
      assertEquals(partitions(), Yamls.at(topic, "spec", "partitions"), String.valueOf(Yamls.at(topic, "metadata", "name")));
    }
    assertEquals(declared(), new TreeSet<>(names));
  }

  @Test
  void aMissingTopicIsCaught() {
    Set<String> created = created("kafka-topics.sh --create --topic topiary.job-submitted.v1 --topic topiary.rank-computed.v2");
    assertEquals(false, declared().equals(created));
    assertEquals(Set.of("topiary.job-submitted.v1", "topiary.rank-computed.v2"), created);
  }
}
