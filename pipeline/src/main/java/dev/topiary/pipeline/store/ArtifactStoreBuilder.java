package dev.topiary.pipeline.store;

import io.minio.MinioClient;
import java.nio.file.Path;
import java.time.Clock;
import okhttp3.OkHttpClient;

/**
 * Options of an {@link ArtifactStore}: {@code set*} are required, {@code opt*} have defaults.
 * {@link #build()} validates them and names the field at fault.
 */
public final class ArtifactStoreBuilder {
  /** S3's smallest part (except the last) of a multipart upload. */
  public static final long MIN_PART_SIZE = 5L << 20;
  /** S3's largest part. */
  public static final long MAX_PART_SIZE = 5L << 30;
  public static final long DEFAULT_PART_SIZE = 16L << 20;

  private String endpoint;
  private String accessKey;
  private String secretKey;
  private String bucket;
  private String region = "us-east-1";
  private long partSize = DEFAULT_PART_SIZE;
  private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
  private Path cacheDir;
  private long cacheMaxBytes = DEFAULT_CACHE_MAX_BYTES;
  private Clock cacheClock = Clock.systemUTC();
  private OkHttpClient httpClient;
  private S3Retrier.Sleeper sleeper = d -> Thread.sleep(d.toMillis());

  ArtifactStoreBuilder() {}

  /** The S3 endpoint URL, e.g. {@code http://minio:9000} or {@code https://s3.eu-west-1.amazonaws.com}. */
  public ArtifactStoreBuilder setEndpoint(String endpoint) {
    this.endpoint = endpoint;
    return this;
  }

  public ArtifactStoreBuilder setAccessKey(String accessKey) {
    this.accessKey = accessKey;
    return this;
  }

  public ArtifactStoreBuilder setSecretKey(String secretKey) {
    this.secretKey = secretKey;
    return this;
  }

  /** The bucket written to (it must exist); reads follow each ref's own bucket. */
  public ArtifactStoreBuilder setBucket(String bucket) {
    this.bucket = bucket;
    return this;
  }

  /** The signing region; default {@code us-east-1}, which MinIO and S3Proxy accept. */
  public ArtifactStoreBuilder optRegion(String region) {
    this.region = region;
    return this;
  }

  /** Files larger than this go up in parts of this size; 5 MiB to 5 GiB, default 16 MiB. */
  public ArtifactStoreBuilder optPartSize(long partSize) {
    this.partSize = partSize;
    return this;
  }

  /** Default {@link RetryPolicy#DEFAULT}. */
  public ArtifactStoreBuilder optRetryPolicy(RetryPolicy retryPolicy) {
    this.retryPolicy = retryPolicy;
    return this;
  }

  /** A local folder caching downloads by SHA-256; created if missing. Default: no cache. */
  public ArtifactStoreBuilder optCacheDir(Path cacheDir) {
    this.cacheDir = cacheDir;
    return this;
  }

  /** Default bound of the cache folder: 10 GiB. */
  public static final long DEFAULT_CACHE_MAX_BYTES = 10L << 30;

  /**
   * The most the cache folder holds before the least recently used entries are evicted (entries in
   * use are spared). Default {@link #DEFAULT_CACHE_MAX_BYTES}.
   */
  public ArtifactStoreBuilder optCacheMaxBytes(long cacheMaxBytes) {
    this.cacheMaxBytes = cacheMaxBytes;
    return this;
  }

  /** Tests: the clock that dates the cache's uses. */
  ArtifactStoreBuilder optCacheClock(Clock clock) {
    this.cacheClock = clock;
    return this;
  }

  /** The HTTP client (timeouts, proxies, interceptors); the store does not close it. Default: MinIO's own. */
  public ArtifactStoreBuilder optHttpClient(OkHttpClient httpClient) {
    this.httpClient = httpClient;
    return this;
  }

  /** Tests: observe the backoff waits instead of sleeping through them. */
  ArtifactStoreBuilder optSleeper(S3Retrier.Sleeper sleeper) {
    this.sleeper = sleeper;
    return this;
  }

  /** Throws {@link IllegalArgumentException} naming the first missing or invalid field. */
  public void validate() {
    requireText("endpoint", endpoint);
    if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
      throw new IllegalArgumentException("endpoint must be an http:// or https:// URL, got '" + endpoint + "'");
    }
    requireText("accessKey", accessKey);
    requireText("secretKey", secretKey);
    requireText("bucket", bucket);
    requireText("region", region);
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException("partSize must be between 5 MiB and 5 GiB, got " + partSize + " bytes");
    }
    if (retryPolicy == null) {
      throw new IllegalArgumentException("retryPolicy must not be null (use RetryPolicy.none() for no retries)");
    }
    if (cacheMaxBytes < 1) {
      throw new IllegalArgumentException("cacheMaxBytes must be >= 1, got " + cacheMaxBytes);
    }
  }

  public ArtifactStore build() {
    validate();
    MinioClient.Builder client = MinioClient.builder().endpoint(endpoint).region(region).credentials(accessKey, secretKey);
    if (httpClient != null) {
      client.httpClient(httpClient);
    }
    ArtifactCache cache = cacheDir == null ? null : new ArtifactCache(cacheDir.toAbsolutePath(), cacheMaxBytes, cacheClock);
    return new ArtifactStore(client.build(), endpoint, bucket, partSize, cache, new S3Retrier(retryPolicy, sleeper));
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must be set");
    }
  }
}
