package dev.topiary.testsupport;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A Kafka broker in a Docker container (Testcontainers, the official {@code apache/kafka} image),
 * for runs that want the broker out of the test JVM. Needs a Docker engine: guard the test class
 * with {@code @Testcontainers(disabledWithoutDocker = true)} or check {@link #dockerAvailable()}.
 * The image is {@value #DEFAULT_IMAGE} unless the system property {@value #IMAGE_PROPERTY} names
 * another.
 */
public final class DockerKafka implements KafkaService {
  public static final String DEFAULT_IMAGE = "apache/kafka:4.2.1";
  public static final String IMAGE_PROPERTY = "topiary.test.kafka.image";

  private final KafkaContainer container;

  private DockerKafka(KafkaContainer container) {
    this.container = container;
  }

  /** Whether a Docker engine is reachable from this JVM. */
  public static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  /** Pulls the image if needed, starts the container and returns once the broker is up. */
  public static DockerKafka start() {
    KafkaContainer container = new KafkaContainer(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE))
        .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
    container.start();
    return new DockerKafka(container);
  }

  @Override
  public String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public void close() {
    container.stop();
  }

  @Override
  public String toString() {
    return "DockerKafka[" + container.getDockerImageName() + "]";
  }
}
