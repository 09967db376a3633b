package dev.topiary.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3ServerTest extends S3ServiceContract {
  private static S3Server server;

  @BeforeAll
  static void startServer() {
    server = S3Server.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected S3Service s3() {
    return server;
  }

  @Test
  void listensOnALocalhostPortWithItsOwnKeys() {
    assertTrue(server.endpoint().matches("http://127\\.0\\.0\\.1:[0-9]+"), server.endpoint());
    assertEquals(Map.of(S3Service.ENDPOINT_PROPERTY, server.endpoint(), S3Service.ACCESS_KEY_PROPERTY, server.accessKey(),
        S3Service.SECRET_KEY_PROPERTY, server.secretKey()), server.quarkusConfig());
    try (S3Server other = S3Server.start()) {
      assertFalse(other.secretKey().equals(server.secretKey()), "each server gets a fresh secret key");
      assertFalse(other.endpoint().equals(server.endpoint()));
    }
  }

  @Test
  void refusesConnectionsWhenStoppedAndServesTheSameObjectsOnTheSamePortAfterRestart() throws Exception {
    try (S3Server s = S3Server.start(); MinioClient client = s.client()) {
      s.createBucket("restart");
      put(client, "restart", "k", new byte[] {1, 2, 3});
      String endpoint = s.endpoint();

      s.stop();
      assertFalse(s.isRunning());
      assertThrows(IOException.class, () -> client.statObject(StatObjectArgs.builder().bucket("restart").object("k").build()));

      s.restart();
      assertEquals(endpoint, s.endpoint());
      assertArrayEquals(new byte[] {1, 2, 3}, get(client, "restart", "k"));
    }
  }

  @Test
  void keepsObjectsAndTheirMetadataInADataFolder(@TempDir Path dir) throws Exception {
    assumeUserAttributes(dir);
    try (S3Server s = S3Server.builder().optDataDir(dir).start(); MinioClient client = s.client()) {
      s.createBucket("models");
      put(client, "models", "lenet5/graph.json", new byte[] {7, 8});
      assertTrue(Files.isRegularFile(dir.resolve("models").resolve("lenet5").resolve("graph.json")));
      assertEquals("feed", client.statObject(StatObjectArgs.builder().bucket("models").object("lenet5/graph.json").build())
          .userMetadata().get("sha256"));
      assertArrayEquals(new byte[] {7, 8}, get(client, "models", "lenet5/graph.json"));
    }
  }

  @Test
  void overwritingAnObjectInADataFolderWithShorterContentKeepsOnlyTheNewContent(@TempDir Path dir) throws Exception {
    assumeUserAttributes(dir);
    try (S3Server s = S3Server.builder().optDataDir(dir).start(); MinioClient client = s.client()) {
      s.createBucket("jobs");
      put(client, "jobs", "j/plan.json", new byte[] {1, 2, 3, 4, 5});
      put(client, "jobs", "j/plan.json", new byte[] {9, 9});
      assertArrayEquals(new byte[] {9, 9}, get(client, "jobs", "j/plan.json"));
    }
  }

  @Test
  void rejectsAMissingDataFolderAndAShortSecretKey(@TempDir Path dir) {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> S3Server.builder().optDataDir(dir.resolve("absent")).start());
    assertTrue(missing.getMessage().startsWith("dataDir"), missing.getMessage());
    IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
        () -> S3Server.builder().optSecretKey("short").start());
    assertTrue(shortKey.getMessage().startsWith("secretKey"), shortKey.getMessage());
  }

  private static void put(MinioClient client, String bucket, String key, byte[] data) throws Exception {
    client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(new ByteArrayInputStream(data), data.length, -1)
        .userMetadata(Map.of("sha256", "feed")).build());
  }

  private static byte[] get(MinioClient client, String bucket, String key) throws Exception {
    try (GetObjectResponse in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return in.readAllBytes();
    }
  }

  /** A data folder keeps object metadata in user extended attributes: skip where the file system has none. */
  private static void assumeUserAttributes(Path dir) throws IOException {
    assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(UserDefinedFileAttributeView.class),
        "the file system keeps no user extended attributes");
  }
}
