package dev.topiary.local;

import dev.topiary.testsupport.DockerKafka;
import dev.topiary.testsupport.DockerMinio;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The end-to-end jobs on Docker containers (Kafka's official image and MinIO, via Testcontainers),
 * the services still as local processes. Skipped cleanly where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerPipelineEndToEndTest extends EndToEndContract {
  private static DockerKafka kafka;
  private static DockerMinio minio;

  @BeforeAll
  static void startStack() {
    kafka = DockerKafka.start();
    minio = DockerMinio.start();
    started(stackBuilder("e2e-docker-run").optServers(kafka, minio).start());
  }

  @AfterAll
  static void stopContainers() {
    stopStack();
    if (minio != null) {
      minio.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }
}
