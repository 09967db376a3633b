package dev.topiary.service;

import dev.topiary.pipeline.store.ArtifactIntegrityException;
import dev.topiary.pipeline.store.ArtifactNotFoundException;
import dev.topiary.pipeline.store.ArtifactStoreException;
import java.io.UncheckedIOException;

/** Which failures are worth another attempt of a whole step. */
final class Failures {
  private Failures() {}

  /**
   * Store failures that outlived the store's retries (server down, throttling) and local I/O
   * failures (disk full): another attempt may succeed. Integrity failures, missing objects and
   * everything else are not transient.
   */
  static boolean isTransient(RuntimeException e) {
    if (e instanceof ArtifactIntegrityException || e instanceof ArtifactNotFoundException) {
      return false;
    }
    return e instanceof ArtifactStoreException || e instanceof UncheckedIOException;
  }

  static String message(RuntimeException e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
  }
}
