package dev.topiary.pipeline.store;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A reference to one stored artifact: where it is and what it must hash to. Events carry these,
 * never tensors; a reader verifies {@code sha256} and {@code size} on every read.
 *
 * @param bucket the S3 bucket
 * @param key the object key, e.g. {@code jobs/<jobId>/03-prune/weights.safetensors}
 * @param sha256 lower-case hex SHA-256 of the content
 * @param size content length in bytes
 */
public record ArtifactRef(String bucket, String key, String sha256, long size) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public ArtifactRef {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(sha256, "sha256");
    if (bucket.isBlank() || key.isBlank()) {
      throw new IllegalArgumentException("artifact bucket and key must not be blank");
    }
    if (!HEX64.matcher(sha256).matches()) {
      throw new IllegalArgumentException("artifact " + key + ": sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
    }
    if (size < 0) {
      throw new IllegalArgumentException("artifact " + key + ": size must be >= 0, got " + size);
    }
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key + " (" + size + " bytes, sha256 " + sha256.substring(0, 12) + "...)";
  }
}
