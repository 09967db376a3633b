package dev.topiary.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The artifact store's connection: {@code topiary.s3.*}. */
@ConfigMapping(prefix = "topiary.s3")
public interface StoreConfig {
  /** The S3 endpoint, e.g. {@code http://minio:9000}. */
  String endpoint();

  String accessKey();

  String secretKey();

  @WithDefault("topiary")
  String bucket();

  Optional<String> region();

  /** Files over this size go up in multipart uploads (MiB, 5 to 5120). */
  @WithDefault("16")
  int partSizeMib();

  /** A local cache of datasets and base models, keyed by SHA-256; none when absent. */
  Optional<String> cacheDir();

  /** The most the cache folder holds (MiB) before the least recently used entries are evicted. */
  @WithDefault("10240")
  long cacheMaxMib();

  /** Create the bucket at start-up when it is missing (a local stack; production buckets are provisioned). */
  @WithDefault("false")
  boolean createBucket();
}
