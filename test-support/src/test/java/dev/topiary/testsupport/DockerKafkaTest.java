package dev.topiary.testsupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The same contract against Kafka in Docker; skipped where no Docker engine is reachable. */
@Testcontainers(disabledWithoutDocker = true)
class DockerKafkaTest extends KafkaServiceContract {
  private static DockerKafka kafka;

  @BeforeAll
  static void startContainer() {
    kafka = DockerKafka.start();
  }

  @AfterAll
  static void stopContainer() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Override
  protected KafkaService kafka() {
    return kafka;
  }
}
