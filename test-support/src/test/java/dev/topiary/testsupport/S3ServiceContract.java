package dev.topiary.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link S3Service} must do, checked with the MinIO client (signature V4). */
abstract class S3ServiceContract {
  protected abstract S3Service s3();

  @Test
  void storesAndReturnsAnObjectWithItsUserMetadata() throws Exception {
    String bucket = "contract-" + UUID.randomUUID();
    s3().createBucket(bucket);
    byte[] data = "graph and weights".getBytes(StandardCharsets.UTF_8);
    try (MinioClient client = s3().client()) {
      client.putObject(PutObjectArgs.builder().bucket(bucket).object("jobs/j1/00-base/graph.json")
          .stream(new ByteArrayInputStream(data), data.length, -1).userMetadata(Map.of("sha256", "abc")).build());

      StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(bucket).object("jobs/j1/00-base/graph.json").build());
      assertEquals(data.length, stat.size());
      assertEquals("abc", stat.userMetadata().get("sha256"));
      try (GetObjectResponse in = client.getObject(GetObjectArgs.builder().bucket(bucket).object("jobs/j1/00-base/graph.json").build())) {
        assertArrayEquals(data, in.readAllBytes());
      }
    }
  }

  @Test
  void createBucketIsIdempotent() throws Exception {
    String bucket = "twice-" + UUID.randomUUID();
    s3().createBucket(bucket);
    s3().createBucket(bucket);
    try (MinioClient client = s3().client()) {
      assertEquals(1, client.listBuckets().stream().filter(b -> b.name().equals(bucket)).count());
    }
  }

  @Test
  void rejectsARequestSignedWithTheWrongSecretKey() throws Exception {
    String bucket = "signed-" + UUID.randomUUID();
    s3().createBucket(bucket);
    try (MinioClient wrong = MinioClient.builder().endpoint(s3().endpoint()).region(S3Service.REGION)
        .credentials(s3().accessKey(), s3().secretKey() + "x").build()) {
      ErrorResponseException e = assertThrows(ErrorResponseException.class, () -> wrong.putObject(
          PutObjectArgs.builder().bucket(bucket).object("x").stream(new ByteArrayInputStream(new byte[1]), 1, -1).build()));
      assertEquals(403, e.response().code());
      assertEquals("SignatureDoesNotMatch", e.errorResponse().code());
    }
  }

  @Test
  void rejectsAnUnknownAccessKey() throws Exception {
    try (MinioClient stranger = MinioClient.builder().endpoint(s3().endpoint()).region(S3Service.REGION)
        .credentials("nobody", s3().secretKey()).build()) {
      ErrorResponseException e = assertThrows(ErrorResponseException.class, stranger::listBuckets);
      assertEquals(403, e.response().code());
    }
  }
}
