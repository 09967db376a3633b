package dev.topiary.testsupport;

import java.util.UUID;
import org.testcontainers.containers.MinIOContainer;

/**
 * A MinIO server in a Docker container (Testcontainers), for runs that want the real MinIO rather
 * than S3Proxy. Needs a Docker engine: guard the test class with
 * {@code @Testcontainers(disabledWithoutDocker = true)} or check {@link DockerKafka#dockerAvailable()}.
 * The image is {@value #DEFAULT_IMAGE} unless the system property {@value #IMAGE_PROPERTY} names
 * another.
 */
public final class DockerMinio implements S3Service {
  public static final String DEFAULT_IMAGE = "minio/minio:RELEASE.2025-09-07T16-13-09Z";
  public static final String IMAGE_PROPERTY = "topiary.test.minio.image";

  private final MinIOContainer container;

  private DockerMinio(MinIOContainer container) {
    this.container = container;
  }

  /** Pulls the image if needed, starts the container with a random secret key and waits for it. */
  public static DockerMinio start() {
    MinIOContainer container = new MinIOContainer(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE))
        .withUserName("topiary-test")
        .withPassword("secret-" + UUID.randomUUID());
    container.start();
    return new DockerMinio(container);
  }

  @Override
  public String endpoint() {
    return container.getS3URL();
  }

  @Override
  public String accessKey() {
    return container.getUserName();
  }

  @Override
  public String secretKey() {
    return container.getPassword();
  }

  @Override
  public void close() {
    container.stop();
  }

  @Override
  public String toString() {
    return "DockerMinio[" + container.getDockerImageName() + "]";
  }
}
