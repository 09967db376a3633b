package dev.topiary.pipeline.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.testsupport.S3Server;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips, verification, lookup and cleanup against a real S3 server (S3Proxy). */
class ArtifactStoreTest {
  private static final long MIB = 1 << 20;

  private static S3Server server;
  private static MinioClient admin;

  private final RecordingInterceptor http = new RecordingInterceptor();
  private String bucket;
  private ArtifactStore store;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() {
    server = S3Server.start();
    admin = server.client();
  }

  @AfterAll
  static void stopServer() throws Exception {
    admin.close();
    server.close();
  }

  @BeforeEach
  void newBucket() {
    bucket = "store-" + UUID.randomUUID();
    server.createBucket(bucket);
    store = builder().optPartSize(5 * MIB).build();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private ArtifactStoreBuilder builder() {
    return ArtifactStore.builder().setEndpoint(server.endpoint()).setAccessKey(server.accessKey())
        .setSecretKey(server.secretKey()).setBucket(bucket).optHttpClient(RecordingInterceptor.client(http));
  }

  @Test
  void roundTripsBytesAndStoresTheirSha256AsMetadata() throws Exception {
    byte[] data = "{\"format\":\"topiary-graph\"}".getBytes(StandardCharsets.UTF_8);
    ArtifactRef ref = store.put("jobs/j1/00-base/graph.json", data);

    assertEquals(new ArtifactRef(bucket, "jobs/j1/00-base/graph.json", Sha256.of(data), data.length), ref);
    assertEquals(ref.sha256(), admin.statObject(StatObjectArgs.builder().bucket(bucket).object(ref.key()).build())
        .userMetadata().get(ArtifactStore.SHA256_METADATA));
    assertArrayEquals(data, store.getBytes(ref));
    Path target = store.get(ref, dir.resolve("out/graph.json"));
    assertArrayEquals(data, Files.readAllBytes(target));
  }

  @Test
  void uploadsAFileLargerThanOnePartInPartsAndReadsItBack() throws IOException {
    Path file = randomFile(dir.resolve("train.bin"), 12 * MIB, 1);
    ArtifactRef ref = store.put("datasets/fmnist/train.bin", file);

    assertEquals(12 * MIB, ref.size());
    assertEquals(Sha256.of(file), ref.sha256());
    assertEquals(3, http.countMatching(r -> r.startsWith("PUT ") && r.contains("partNumber=")), http.requests.toString());
    Path copy = store.get(ref, dir.resolve("copy/train.bin"));
    assertEquals(-1, Files.mismatch(file, copy));
  }

  @Test
  void uploadsAFileOfOnePartInOneRequest() throws IOException {
    Path file = randomFile(dir.resolve("small.bin"), 5 * MIB, 2);
    store.put("datasets/small.bin", file);
    assertEquals(1, http.count("PUT"));
    assertEquals(0, http.countMatching(r -> r.contains("uploads")));
  }

  @Test
  void refusesAnObjectOverwrittenBehindItsBackAndLeavesNothingAtTheTarget() throws Exception {
    byte[] original = "weights v1".getBytes(StandardCharsets.UTF_8);
    byte[] tampered = "weights v2".getBytes(StandardCharsets.UTF_8);
    ArtifactRef ref = store.put("jobs/j1/03-prune/weights.safetensors", original);
    admin.putObject(PutObjectArgs.builder().bucket(bucket).object(ref.key())
        .stream(new ByteArrayInputStream(tampered), tampered.length, -1).build());

    Path out = dir.resolve("out");
    ArtifactIntegrityException e = assertThrows(ArtifactIntegrityException.class,
        () -> store.get(ref, out.resolve("weights.safetensors")));
    assertEquals(ref.key(), e.key());
    assertEquals(ref.sha256(), e.expectedSha256());
    assertEquals(Sha256.of(tampered), e.actualSha256());
    assertTrue(e.getMessage().contains(ref.key()) && e.getMessage().contains(e.actualSha256()), e.getMessage());
    try (Stream<Path> left = Files.list(out)) {
      assertEquals(0, left.count(), "no target and no temporary file");
    }
    assertThrows(ArtifactIntegrityException.class, () -> store.getBytes(ref));
    assertEquals(2, http.count("GET"), "integrity failures are not retried: one GET each for get and getBytes");
  }

  @Test
  void removesTheObjectWhenTheFileChangesDuringTheUpload() throws IOException {
    Path file = randomFile(dir.resolve("growing.bin"), 12 * MIB, 3);
    http.inject((n, request) -> {
      if (request.url().toString().contains("partNumber=1")) { // the last part is read only after this
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
          raf.seek(11 * MIB);
          raf.write(new byte[] {1, 2, 3, 4});
        }
      }
      return null;
    });
    ArtifactStoreException e = assertThrows(ArtifactStoreException.class, () -> store.put("datasets/growing.bin", file));
    assertTrue(e.getMessage().contains("changed during the upload"), e.getMessage());
    assertFalse(store.exists("datasets/growing.bin"));
  }

  @Test
  void findsTheRefOfAStoredObjectAndReportsMissingOnes() {
    ArtifactRef ref = store.put("jobs/j1/01-rank/ranks.json", new byte[] {1, 2, 3});
    assertEquals(ref, store.find(ref.key()).orElseThrow());
    assertTrue(store.exists(ref.key()));
    assertTrue(store.find("jobs/j1/01-rank/absent.json").isEmpty());
    assertFalse(store.exists("jobs/j1/01-rank/absent.json"));

    ArtifactRef gone = new ArtifactRef(bucket, "jobs/j1/01-rank/absent.json", ref.sha256(), 3);
    ArtifactNotFoundException e = assertThrows(ArtifactNotFoundException.class, () -> store.get(gone, dir.resolve("x")));
    assertEquals(gone.key(), e.key());
    assertFalse(Files.exists(dir.resolve("x")));
  }

  @Test
  void deletesEveryObjectUnderAJobButNotItsNeighbours() {
    store.put(Keys.step("j1", 0, "base", "graph.json"), new byte[] {1});
    store.put(Keys.step("j1", 3, "prune", "weights.safetensors"), new byte[] {2});
    ArtifactRef neighbour = store.put(Keys.step("j10", 0, "base", "graph.json"), new byte[] {3});

    assertEquals(2, store.delete(Keys.job("j1")));
    assertFalse(store.exists(Keys.step("j1", 0, "base", "graph.json")));
    assertTrue(store.exists(neighbour.key()));
    assertEquals(0, store.delete(Keys.job("j1")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.delete("jobs/j1"));
    assertTrue(e.getMessage().startsWith("prefix"), e.getMessage());
  }

  @Test
  void rejectsMalformedKeysBeforeAnyRequest() {
    assertThrows(IllegalArgumentException.class, () -> store.put("jobs/../etc/passwd", new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> store.put("/abs", new byte[1]));
    assertEquals(0, http.requests.size());
  }

  @Test
  void createsItsBucketOnceAndReportsWrongCredentials() {
    try (ArtifactStore fresh = builder().setBucket("fresh-" + UUID.randomUUID()).build()) {
      assertFalse(fresh.bucketExists());
      assertTrue(fresh.ensureBucket());
      assertFalse(fresh.ensureBucket());
      assertTrue(fresh.bucketExists());
      assertEquals("x", new String(fresh.getBytes(fresh.put("k/x.txt", "x".getBytes(StandardCharsets.UTF_8))),
          StandardCharsets.UTF_8));
    }
    try (ArtifactStore wrong = builder().setSecretKey("not-the-secret").build()) {
      ArtifactStoreException e = assertThrows(ArtifactStoreException.class, wrong::bucketExists);
      assertTrue(e.getMessage().contains("HTTP 403"), e.getMessage());
    }
  }

  @Test
  void namesTheMissingOrInvalidBuilderField() {
    assertEquals("bucket must be set", assertThrows(IllegalArgumentException.class,
        () -> builder().setBucket(null).build()).getMessage());
    assertEquals("secretKey must be set", assertThrows(IllegalArgumentException.class,
        () -> builder().setSecretKey(" ").build()).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> builder().optPartSize(MIB).build())
        .getMessage().startsWith("partSize"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> builder().setEndpoint("minio:9000").build())
        .getMessage().startsWith("endpoint"));
  }

  static Path randomFile(Path file, long size, long seed) throws IOException {
    byte[] data = new byte[(int) size];
    new Random(seed).nextBytes(data);
    return Files.write(file, data);
  }
}
