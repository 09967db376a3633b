package dev.topiary.pipeline.store;

import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.model.Model;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Artifacts in one bucket of an S3-compatible endpoint, through the MinIO client.
 *
 * <p>Writes store the content's SHA-256 as user metadata {@value #SHA256_METADATA} and return an
 * {@link ArtifactRef}; files larger than the part size go up as multipart uploads. Reads verify
 * size and SHA-256 against the ref before anything appears at the target ({@link
 * ArtifactIntegrityException} otherwise, never retried). Transient failures are retried under the
 * {@link RetryPolicy}. With a cache folder, reads go through a local content-addressed cache
 * ({@code <cache>/<sha[0..2]>/<sha>}), so a dataset or base model fetched once is not fetched
 * again; a cached copy is re-verified on every use and fetched anew if corrupt, and the least
 * recently used entries are evicted beyond the cache's size bound.
 *
 * <p>Thread-safe; several processes may share a cache folder (entries are written to a temporary
 * name and moved into place). S3 failures are {@link ArtifactStoreException}s, local file failures
 * {@link UncheckedIOException}s. Close it to release the HTTP client it created.
 */
public final class ArtifactStore implements AutoCloseable {
  /** The user metadata key under which each object's SHA-256 is stored. */
  public static final String SHA256_METADATA = "sha256";

  private static final long MAX_PARTS = 10_000;

  private final MinioClient client;
  private final String endpoint;
  private final String bucket;
  private final long partSize;
  private final ArtifactCache cache;
  private final S3Retrier retrier;

  ArtifactStore(MinioClient client, String endpoint, String bucket, long partSize, ArtifactCache cache, S3Retrier retrier) {
    this.client = client;
    this.endpoint = endpoint;
    this.bucket = bucket;
    this.partSize = partSize;
    this.cache = cache;
    this.retrier = retrier;
  }

  public static ArtifactStoreBuilder builder() {
    return new ArtifactStoreBuilder();
  }

  public String bucket() {
    return bucket;
  }

  public String endpoint() {
    return endpoint;
  }

  /**
   * Uploads a file to {@code key}. The file is hashed once before sending (the hash travels in the
   * request headers, ahead of the body) and again as it streams; if the two differ the file changed
   * during the upload, and the object is removed and {@link ArtifactIntegrityException} thrown.
   */
  public ArtifactRef put(String key, Path file) {
    Keys.checkKey(key);
    try {
      long size = Files.size(file);
      String sha256 = Sha256.of(file);
      String sent = retrier.run("put " + location(key), bucket, null, () -> {
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), digest)) {
          client.putObject(putArgs(key, in, size, sha256));
        }
        return Sha256.hex(digest);
      });
      if (!sent.equals(sha256)) {
        retrier.run("remove " + location(key), bucket, null, () -> {
          client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
          return null;
        });
        throw new ArtifactStoreException("put " + location(key) + ": " + file + " changed during the upload (sha256 "
            + sha256 + " before, " + sent + " sent); the object was removed");
      }
      return new ArtifactRef(bucket, key, sha256, size);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " for " + location(key), e);
    }
  }

  /** Uploads bytes to {@code key}. */
  public ArtifactRef put(String key, byte[] data) {
    Keys.checkKey(key);
    String sha256 = Sha256.of(data);
    retrier.run("put " + location(key), bucket, null, () ->
        client.putObject(putArgs(key, new ByteArrayInputStream(data), data.length, sha256)));
    return new ArtifactRef(bucket, key, sha256, data.length);
  }

  /**
   * Downloads {@code ref} to {@code target} (replacing it), verified; through the cache if there is
   * one. On any failure {@code target} is left as it was.
   */
  public Path get(ArtifactRef ref, Path target) {
    try {
      if (cache == null) {
        download(ref, target);
      } else if (!cache.copyTo(ref, target)) {
        download(ref, cache.entry(ref));
        try (InputStream in = Files.newInputStream(cache.entry(ref))) {
          Sha256.writeVerified(in, ref, target);
        }
        cache.evict(ref);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + " for " + ref, e);
    }
  }

  /** The content of {@code ref} in memory, verified; through the cache if there is one. */
  public byte[] getBytes(ArtifactRef ref) {
    if (ref.size() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(ref + " is too large for a byte array: use get(ref, path)");
    }
    if (cache != null) {
      try {
        Optional<byte[]> cached = cache.read(ref);
        if (cached.isPresent()) {
          return cached.get();
        }
        download(ref, cache.entry(ref));
        byte[] data = Files.readAllBytes(cache.entry(ref));
        cache.evict(ref);
        return data;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot use cache entry " + cache.entry(ref) + " for " + ref, e);
      }
    }
    byte[] data = retrier.run("get " + ref, ref.bucket(), ref.key(), () -> {
      try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(ref.bucket()).object(ref.key()).build())) {
        return in.readAllBytes();
      }
    });
    Sha256.verify(ref, data);
    return data;
  }

  /**
   * Whether the bucket exists: one round trip to the server, so also a readiness probe (an
   * unreachable server or refused credentials throw {@link ArtifactStoreException}).
   */
  public boolean bucketExists() {
    return retrier.run("bucket-exists " + bucket, bucket, null,
        () -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
  }

  /** Creates the bucket unless it exists (a local stack's first start); returns whether it created it. */
  public boolean ensureBucket() {
    if (bucketExists()) {
      return false;
    }
    retrier.run("make-bucket " + bucket, bucket, null, () -> {
      client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      return null;
    });
    return true;
  }

  /** Whether an object exists at {@code key}. */
  public boolean exists(String key) {
    return find(key).isPresent();
  }

  /**
   * The ref of the object at {@code key}, from its size and stored SHA-256, or empty if there is
   * none: lets an idempotent consumer reuse an artifact it wrote before a crash.
   */
  public Optional<ArtifactRef> find(String key) {
    Keys.checkKey(key);
    try {
      StatObjectResponse stat = retrier.run("stat " + location(key), bucket, key,
          () -> client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()));
      String sha256 = stat.userMetadata().get(SHA256_METADATA);
      if (sha256 == null) {
        throw new ArtifactStoreException(location(key) + " has no " + SHA256_METADATA
            + " metadata: it was not written by ArtifactStore");
      }
      return Optional.of(new ArtifactRef(bucket, key, sha256, stat.size()));
    } catch (ArtifactNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The keys of every object under {@code prefix} (a folder: it must end with {@code /}), in the
   * server's (lexical) order; {@link #find} gives each one's ref.
   */
  public List<String> list(String prefix) {
    Keys.checkPrefix(prefix);
    return retrier.run("list " + location(prefix), bucket, null, () -> {
      List<String> found = new ArrayList<>();
      for (Result<Item> item : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
          .recursive(true).build())) {
        found.add(item.get().objectName());
      }
      return found;
    });
  }

  /**
   * Deletes every object under {@code prefix} (a folder: it must end with {@code /}), e.g.
   * {@link Keys#job(String)} for a finished or abandoned job; returns how many were deleted.
   */
  public int delete(String prefix) {
    List<DeleteObject> objects = list(prefix).stream().map(DeleteObject::new).toList();
    if (objects.isEmpty()) {
      return 0;
    }
    List<String> failed = retrier.run("delete " + location(prefix), bucket, null, () -> {
      List<String> errors = new ArrayList<>();
      for (Result<DeleteError> result : client.removeObjects(RemoveObjectsArgs.builder().bucket(bucket)
          .objects(objects).build())) {
        DeleteError error = result.get();
        errors.add(error.objectName() + ": " + error.code() + " " + error.message());
      }
      return errors;
    });
    if (!failed.isEmpty()) {
      throw new ArtifactStoreException("delete " + location(prefix) + ": " + failed.size() + " of " + objects.size()
          + " objects not deleted, e.g. " + failed.get(0));
    }
    return objects.size();
  }

  /**
   * Uploads a model folder under {@code prefix} (a folder ending with {@code /}, e.g.
   * {@link Keys#stepPrefix}): graph, weights and history. Masks beside the model are the caller's
   * to upload ({@code artifacts.masks} in the events).
   *
   * @throws InvalidModelException if the folder lacks the graph, weights or history file
   */
  public ModelRef putModel(String prefix, Path modelDir) {
    Keys.checkPrefix(prefix);
    for (String name : List.of(Model.GRAPH_FILE, Model.WEIGHTS_FILE, Model.HISTORY_FILE)) {
      if (!Files.isRegularFile(modelDir.resolve(name))) {
        throw new InvalidModelException(modelDir.resolve(name) + ": missing (a model folder holds " + Model.GRAPH_FILE
            + ", " + Model.WEIGHTS_FILE + " and " + Model.HISTORY_FILE + ")");
      }
    }
    return new ModelRef(
        put(prefix + Model.GRAPH_FILE, modelDir.resolve(Model.GRAPH_FILE)),
        put(prefix + Model.WEIGHTS_FILE, modelDir.resolve(Model.WEIGHTS_FILE)),
        put(prefix + Model.HISTORY_FILE, modelDir.resolve(Model.HISTORY_FILE)));
  }

  /**
   * Downloads a model folder into {@code dir} (created if needed), every file verified; a history
   * file left in {@code dir} from another model is removed when this one has none. Load it with
   * {@link Model#load(Path)}, which checks the weights against the graph.
   */
  public Path getModel(ModelRef ref, Path dir) {
    get(ref.graph(), dir.resolve(Model.GRAPH_FILE));
    get(ref.weights(), dir.resolve(Model.WEIGHTS_FILE));
    Path history = dir.resolve(Model.HISTORY_FILE);
    try {
      if (ref.history() != null) {
        get(ref.history(), history);
      } else {
        Files.deleteIfExists(history);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove stale " + history, e);
    }
    return dir;
  }

  /** Releases the HTTP client, unless it was supplied through the builder. */
  @Override
  public void close() {
    try {
      client.close();
    } catch (Exception e) { // MinioClient.close() declares Exception; it only shuts down OkHttp pools
      throw new IllegalStateException("cannot close the S3 client for " + endpoint, e);
    }
  }

  @Override
  public String toString() {
    return "ArtifactStore[" + endpoint + "/" + bucket + (cache == null ? "" : ", cache " + cache.dir()) + "]";
  }

  private PutObjectArgs putArgs(String key, InputStream in, long size, String sha256) {
    // S3 allows at most 10,000 parts: grow the part size, in whole MiB, for a very large file
    long mib = 1 << 20;
    long leastPartSize = ((size + MAX_PARTS - 1) / MAX_PARTS + mib - 1) / mib * mib;
    return PutObjectArgs.builder().bucket(bucket).object(key).stream(in, size, Math.max(partSize, leastPartSize))
        .contentType("application/octet-stream").userMetadata(Map.of(SHA256_METADATA, sha256)).build();
  }

  private void download(ArtifactRef ref, Path target) {
    retrier.run("get " + ref, ref.bucket(), ref.key(), () -> {
      try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(ref.bucket()).object(ref.key()).build())) {
        Sha256.writeVerified(in, ref, target);
      }
      return target;
    });
  }

  private String location(String key) {
    return "s3://" + bucket + "/" + key;
  }
}
