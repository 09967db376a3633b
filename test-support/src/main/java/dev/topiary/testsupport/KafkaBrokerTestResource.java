package dev.topiary.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link KafkaBroker} as a Quarkus test resource:
 * {@code @QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)}.
 * It sets {@value KafkaService#KAFKA_BOOTSTRAP_SERVERS} and
 * {@value KafkaService#SMALLRYE_KAFKA_BOOTSTRAP_SERVERS}. The optional init argument
 * {@value #TOPICS_ARG} creates topics before the application starts:
 * {@code "job-events:3,step-done:1"} (name and partition count).
 */
public class KafkaBrokerTestResource implements QuarkusTestResourceLifecycleManager {
  public static final String TOPICS_ARG = "topics";

  private final Map<String, Integer> topics = new LinkedHashMap<>();
  private KafkaBroker broker;

  /** Reads {@value #TOPICS_ARG}; a malformed list fails here, before any broker starts. */
  @Override
  public void init(Map<String, String> initArgs) {
    for (String spec : initArgs.getOrDefault(TOPICS_ARG, "").split(",")) {
      if (spec.isBlank()) {
        continue;
      }
      String[] parts = spec.trim().split(":");
      if (parts.length != 2 || parts[0].isBlank() || !parts[1].matches("[1-9][0-9]*")) {
        throw new IllegalArgumentException(TOPICS_ARG + ": expected name:partitions, got '" + spec.trim() + "'");
      }
      topics.put(parts[0], Integer.parseInt(parts[1]));
    }
  }

  @Override
  public Map<String, String> start() {
    broker = KafkaBroker.start();
    topics.forEach(broker::createTopic);
    return broker.quarkusConfig();
  }

  @Override
  public void stop() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }
}
