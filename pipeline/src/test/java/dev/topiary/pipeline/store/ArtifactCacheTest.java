package dev.topiary.pipeline.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.testsupport.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads through the local cache: keyed by SHA-256, shared across refs, re-verified on every use. */
class ArtifactCacheTest {
  private S3Server server;
  private ArtifactStore store;
  private final RecordingInterceptor http = new RecordingInterceptor();

  @TempDir Path dir;

  @BeforeEach
  void start() {
    server = S3Server.start();
    server.createBucket("cache-test");
    store = ArtifactStore.builder().setEndpoint(server.endpoint()).setAccessKey(server.accessKey())
        .setSecretKey(server.secretKey()).setBucket("cache-test").optCacheDir(dir.resolve("cache"))
        .optRetryPolicy(RetryPolicy.none()).optHttpClient(RecordingInterceptor.client(http)).build();
  }

  @AfterEach
  void stop() {
    store.close();
    server.close();
  }

  @Test
  void servesASecondGetFromTheCacheWithTheServerDown() throws IOException {
    Path file = ArtifactStoreTest.randomFile(dir.resolve("train.bin"), 300_000, 5);
    ArtifactRef ref = store.put("datasets/fmnist/train.bin", file);
    store.get(ref, dir.resolve("job1/train.bin"));
    assertEquals(1, http.count("GET"));

    server.stop();
    Path second = store.get(ref, dir.resolve("job2/train.bin"));
    assertEquals(-1, Files.mismatch(file, second));
    assertArrayEquals(Files.readAllBytes(file), store.getBytes(ref));
    assertEquals(1, http.count("GET"), "no request reached S3");
  }

  @Test
  void sharesOneEntryBetweenRefsWithTheSameContent() {
    ArtifactRef a = store.put("jobs/j1/00-base/weights.safetensors", new byte[] {1, 2, 3});
    ArtifactRef b = store.put("jobs/j2/00-base/weights.safetensors", new byte[] {1, 2, 3});
    store.get(a, dir.resolve("a.bin"));
    store.get(b, dir.resolve("b.bin"));
    assertEquals(1, http.count("GET"));
    assertTrue(Files.isRegularFile(dir.resolve("cache").resolve(a.sha256().substring(0, 2)).resolve(a.sha256())));
  }

  @Test
  void detectsACorruptEntryAndFetchesItAgain() throws IOException {
    byte[] data = "base model weights".getBytes();
    ArtifactRef ref = store.put("models/lenet5/weights.safetensors", data);
    store.get(ref, dir.resolve("first.bin"));
    Path entry = dir.resolve("cache").resolve(ref.sha256().substring(0, 2)).resolve(ref.sha256());
    byte[] damaged = data.clone();
    damaged[0] ^= 1; // same size, different content
    Files.write(entry, damaged);

    Path again = store.get(ref, dir.resolve("again.bin"));
    assertArrayEquals(data, Files.readAllBytes(again));
    assertArrayEquals(data, Files.readAllBytes(entry), "the entry was replaced");
    assertEquals(2, http.count("GET"));

    Files.write(entry, damaged);
    assertArrayEquals(data, store.getBytes(ref));
    assertEquals(3, http.count("GET"));
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws IOException {
    ArtifactRef ref = store.put("datasets/x.bin", new byte[] {7});
    store.get(ref, dir.resolve("out/x.bin"));
    store.get(ref, dir.resolve("out/x.bin"));
    try (var files = Files.walk(dir.resolve("cache"))) {
      assertEquals(1, files.filter(Files::isRegularFile).count());
    }
    try (var files = Files.list(dir.resolve("out"))) {
      assertEquals(1, files.count());
    }
  }
}
