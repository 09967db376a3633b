package dev.topiary.testsupport;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.MinioException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Map;

/**
 * A running S3-compatible server that checks request signatures, reached at {@link #endpoint()} with
 * {@link #accessKey()} and {@link #secretKey()}. Closing it stops the server and drops its data.
 */
public interface S3Service extends AutoCloseable {
  /** The region every Topiary client names; the test servers accept it. */
  String REGION = "us-east-1";
  /** Quarkus property naming the S3 endpoint (the name Topiary's services read). */
  String ENDPOINT_PROPERTY = "topiary.s3.endpoint";
  /** Quarkus property naming the S3 access key. */
  String ACCESS_KEY_PROPERTY = "topiary.s3.access-key";
  /** Quarkus property naming the S3 secret key. */
  String SECRET_KEY_PROPERTY = "topiary.s3.secret-key";

  /** The endpoint URL, e.g. {@code http://127.0.0.1:40123}. */
  String endpoint();

  String accessKey();

  String secretKey();

  /**
   * A MinIO client for this server with the right credentials and region. Its HTTP client is shared
   * by all such clients, so closing it is optional.
   */
  default MinioClient client() {
    return MinioClient.builder().endpoint(endpoint()).region(REGION).credentials(accessKey(), secretKey())
        .httpClient(SharedHttpClient.INSTANCE).build();
  }

  /** Creates the bucket unless it exists. */
  default void createBucket(String bucket) {
    MinioClient client = client(); // shares its HTTP client: nothing to close
    try {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      }
    } catch (IOException | MinioException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot create bucket " + bucket + " at " + endpoint(), e);
    }
  }

  /** The configuration a Quarkus application under test needs to reach this server. */
  default Map<String, String> quarkusConfig() {
    return Map.of(ENDPOINT_PROPERTY, endpoint(), ACCESS_KEY_PROPERTY, accessKey(), SECRET_KEY_PROPERTY, secretKey());
  }

  /** Stops the server and drops its data; a second call does nothing. */
  @Override
  void close();
}
