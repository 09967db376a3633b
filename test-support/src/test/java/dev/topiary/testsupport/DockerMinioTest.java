package dev.topiary.testsupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The same contract against MinIO in Docker; skipped where no Docker engine is reachable. */
@Testcontainers(disabledWithoutDocker = true)
class DockerMinioTest extends S3ServiceContract {
  private static DockerMinio minio;

  @BeforeAll
  static void startContainer() {
    minio = DockerMinio.start();
  }

  @AfterAll
  static void stopContainer() {
    if (minio != null) {
      minio.close();
    }
  }

  @Override
  protected S3Service s3() {
    return minio;
  }
}
