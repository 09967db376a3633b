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

  /** A clock tests move by hand. */
  private static final class ManualClock extends java.time.Clock {
    java.time.Instant now = java.time.Instant.parse("2026-11-22T12:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }

  @Test
  void evictsTheLeastRecentlyUsedEntriesBeyondTheBoundButNeverOneInUse() throws IOException {
    ManualClock clock = new ManualClock();
    Path cache = dir.resolve("bounded");
    ArtifactRef a;
    ArtifactRef b;
    ArtifactRef c;
    try (ArtifactStore bounded = boundedStore(cache, 2500, clock)) {
      a = bounded.put("datasets/a.bin", filled(1000, 1));
      b = bounded.put("datasets/b.bin", filled(1000, 2));
      c = bounded.put("datasets/c.bin", filled(1000, 3));
      bounded.getBytes(a); // t = 0
      clock.now = clock.now.plusSeconds(120);
      bounded.getBytes(b); // t = 120
      clock.now = clock.now.plusSeconds(120);
      bounded.getBytes(a); // t = 240, a hit: a is now more recent than b
      clock.now = clock.now.plusSeconds(120);
      bounded.getBytes(c); // t = 360: 3000 bytes > 2500, b (the least recently used) goes
      assertTrue(Files.exists(entryIn(cache, a)) && Files.exists(entryIn(cache, c)));
      assertTrue(Files.notExists(entryIn(cache, b)), "b was the least recently used");
    }
    // a tighter bound over the same folder: c is used again at t = 470, d arrives at t = 480
    try (ArtifactStore tight = boundedStore(cache, 1500, clock)) {
      ArtifactRef d = tight.put("datasets/d.bin", filled(1000, 4));
      clock.now = clock.now.plusSeconds(110);
      tight.getBytes(c);
      clock.now = clock.now.plusSeconds(10);
      tight.getBytes(d); // 3000 bytes > 1500: only a is old enough to go
      assertTrue(Files.notExists(entryIn(cache, a)), "a was last used 240 s ago");
      assertTrue(Files.exists(entryIn(cache, c)), "c was used 10 s ago: spared though the folder stays over the bound");
      assertTrue(Files.exists(entryIn(cache, d)), "the new entry stays");
      assertArrayEquals(filled(1000, 1), tight.getBytes(a), "an evicted entry is fetched again");
    }
  }

  private ArtifactStore boundedStore(Path cache, long maxBytes, java.time.Clock clock) {
    return ArtifactStore.builder().setEndpoint(server.endpoint()).setAccessKey(server.accessKey()).setSecretKey(server.secretKey())
        .setBucket("cache-test").optCacheDir(cache).optCacheMaxBytes(maxBytes).optCacheClock(clock).optRetryPolicy(RetryPolicy.none()).build();
  }

  @Test
  void refusesANonPositiveBoundNamingTheField() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ArtifactStore.builder()
        .setEndpoint(server.endpoint()).setAccessKey("a").setSecretKey("s").setBucket("b").optCacheMaxBytes(0).build());
    assertTrue(e.getMessage().startsWith("cacheMaxBytes"), e.getMessage());
  }

  private static Path entryIn(Path cache, ArtifactRef ref) {
    return cache.resolve(ref.sha256().substring(0, 2)).resolve(ref.sha256());
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }
}
