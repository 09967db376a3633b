package dev.topiary.pipeline.store;

/**
 * The bytes read for an artifact are not the bytes its {@link ArtifactRef} promises: the object was
 * overwritten or damaged, or a cached copy is corrupt. Never retried; nothing is left at the target.
 */
public class ArtifactIntegrityException extends ArtifactStoreException {
  private final String key;
  private final String expectedSha256;
  private final String actualSha256;

  public ArtifactIntegrityException(String key, String expectedSha256, long expectedSize, String actualSha256,
      long actualSize) {
    super("artifact " + key + " failed verification: expected sha256 " + expectedSha256 + " (" + expectedSize
        + " bytes), got sha256 " + actualSha256 + " (" + actualSize + " bytes)");
    this.key = key;
    this.expectedSha256 = expectedSha256;
    this.actualSha256 = actualSha256;
  }

  public String key() {
    return key;
  }

  public String expectedSha256() {
    return expectedSha256;
  }

  public String actualSha256() {
    return actualSha256;
  }
}
