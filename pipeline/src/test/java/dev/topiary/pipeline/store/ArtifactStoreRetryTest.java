package dev.topiary.pipeline.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.testsupport.S3Server;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transient failures are retried with exponential backoff, the rest fail at once. Failures are
 * injected deterministically (an HTTP interceptor answering for the server, or the server stopped);
 * the backoff waits are recorded instead of slept.
 */
class ArtifactStoreRetryTest {
  private static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1));

  private static S3Server server;

  private final RecordingInterceptor http = new RecordingInterceptor();
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private String bucket;

  @BeforeAll
  static void startServer() {
    server = S3Server.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void newBucket() {
    bucket = "retry-" + UUID.randomUUID();
    server.createBucket(bucket);
  }

  private ArtifactStore store(String secretKey, S3Retrier.Sleeper onWait) {
    return ArtifactStore.builder().setEndpoint(server.endpoint()).setAccessKey(server.accessKey()).setSecretKey(secretKey)
        .setBucket(bucket).optRetryPolicy(THREE_ATTEMPTS).optHttpClient(RecordingInterceptor.client(http))
        .optSleeper(delay -> {
          waits.add(delay);
          onWait.sleep(delay);
        }).build();
  }

  private ArtifactStore store() {
    return store(server.secretKey(), delay -> {});
  }

  @Test
  void retriesSlowDownAnswersWithDoublingDelaysThenSucceeds() {
    http.inject((n, request) -> n <= 2 ? RecordingInterceptor.s3Error(request, 503, "SlowDown") : null);
    try (ArtifactStore store = store()) {
      ArtifactRef ref = store.put("jobs/j1/00-base/graph.json", new byte[] {4, 2});
      assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), waits);
      assertEquals(3, http.count("PUT"));
      assertArrayEquals(new byte[] {4, 2}, store.getBytes(ref));
    }
  }

  @Test
  void retriesATimedOutRead() {
    try (ArtifactStore store = store()) {
      ArtifactRef ref = store.put("jobs/j1/00-base/graph.json", new byte[] {1});
      http.inject((n, request) -> {
        if (n == 2) {
          throw new SocketTimeoutException("injected read timeout");
        }
        return null;
      });
      assertArrayEquals(new byte[] {1}, store.getBytes(ref));
      assertEquals(List.of(Duration.ofMillis(100)), waits);
      assertEquals(2, http.count("GET"));
    }
  }

  @Test
  void givesUpAfterTheLastAttemptNamingTheObject() {
    http.inject((n, request) -> RecordingInterceptor.s3Error(request, 500, "InternalError"));
    try (ArtifactStore store = store()) {
      ArtifactStoreException e = assertThrows(ArtifactStoreException.class,
          () -> store.put("jobs/j1/00-base/graph.json", new byte[] {1}));
      assertTrue(e.getMessage().startsWith("put s3://" + bucket + "/jobs/j1/00-base/graph.json failed after 3 attempt(s)"),
          e.getMessage());
      assertTrue(e.getMessage().contains("HTTP 500 InternalError"), e.getMessage());
      assertEquals(3, http.count("PUT"));
      assertEquals(2, waits.size());
    }
  }

  @Test
  void doesNotRetryAWrongSecretKey() {
    try (ArtifactStore store = store(server.secretKey() + "-wrong", delay -> {})) {
      ArtifactStoreException e = assertThrows(ArtifactStoreException.class,
          () -> store.put("jobs/j1/00-base/graph.json", new byte[] {1}));
      assertTrue(e.getMessage().contains("HTTP 403 SignatureDoesNotMatch"), e.getMessage());
      assertTrue(e.getMessage().contains("check the access key, secret key"), e.getMessage());
      assertEquals(1, http.requests.size());
      assertEquals(List.of(), waits);
    }
  }

  @Test
  void ridesOutAServerRestartBetweenAttempts() throws IOException {
    try (S3Server own = S3Server.start()) {
      own.createBucket(bucket);
      try (ArtifactStore store = ArtifactStore.builder().setEndpoint(own.endpoint()).setAccessKey(own.accessKey())
          .setSecretKey(own.secretKey()).setBucket(bucket).optRetryPolicy(THREE_ATTEMPTS)
          .optHttpClient(RecordingInterceptor.client(http)).optSleeper(delay -> {
            waits.add(delay);
            own.restart(); // the endpoint comes back while the store waits
          }).build()) {
        ArtifactRef ref = store.put("datasets/tiny.bin", new byte[] {9, 9});
        own.stop();

        assertArrayEquals(new byte[] {9, 9}, store.getBytes(ref));
        assertEquals(List.of(Duration.ofMillis(100)), waits, "one refused connection, one wait, then success");
      }
    }
  }

  @Test
  void failsAfterTheLastAttemptWhenTheServerStaysDown() {
    try (S3Server own = S3Server.start()) {
      own.createBucket(bucket);
      try (ArtifactStore store = ArtifactStore.builder().setEndpoint(own.endpoint()).setAccessKey(own.accessKey())
          .setSecretKey(own.secretKey()).setBucket(bucket).optRetryPolicy(THREE_ATTEMPTS)
          .optSleeper(waits::add).build()) {
        ArtifactRef ref = store.put("datasets/tiny.bin", new byte[] {9});
        own.stop();
        ArtifactStoreException e = assertThrows(ArtifactStoreException.class, () -> store.getBytes(ref));
        assertTrue(e.getMessage().contains("failed after 3 attempt(s)"), e.getMessage());
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        assertEquals(2, waits.size());
      }
    }
  }
}
