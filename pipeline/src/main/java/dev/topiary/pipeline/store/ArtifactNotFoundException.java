package dev.topiary.pipeline.store;

/** The object an {@link ArtifactRef} names is not in its bucket (deleted, or never written). */
public class ArtifactNotFoundException extends ArtifactStoreException {
  private final String key;

  public ArtifactNotFoundException(String bucket, String key) {
    super("artifact s3://" + bucket + "/" + key + " does not exist");
    this.key = key;
  }

  public String key() {
    return key;
  }
}
