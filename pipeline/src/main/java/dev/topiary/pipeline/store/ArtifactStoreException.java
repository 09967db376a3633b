package dev.topiary.pipeline.store;

import dev.topiary.engine.TopiaryException;

/**
 * An artifact could not be written, read or deleted: the S3 endpoint refused the request (access
 * denied, missing bucket) or kept failing after the retry policy's last attempt. The message names
 * the operation, the bucket and key, and the reason.
 */
public class ArtifactStoreException extends TopiaryException {
  public ArtifactStoreException(String message) {
    super(message);
  }

  public ArtifactStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
