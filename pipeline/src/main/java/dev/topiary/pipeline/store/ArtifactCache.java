package dev.topiary.pipeline.store;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The local download cache: one file per content, {@code <dir>/<sha[0..2]>/<sha>}, so refs with the
 * same bytes share an entry whatever their bucket or key. An entry is verified on every use and
 * deleted if corrupt; entries are written to a temporary name and moved into place, so processes
 * may share the folder. Nothing is evicted.
 */
final class ArtifactCache {
  private static final System.Logger LOG = System.getLogger(ArtifactCache.class.getName());

  private final Path dir;

  ArtifactCache(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  Path entry(ArtifactRef ref) {
    return dir.resolve(ref.sha256().substring(0, 2)).resolve(ref.sha256());
  }

  /** Copies the entry for {@code ref} to {@code target}, verified; false if there is no intact entry. */
  boolean copyTo(ArtifactRef ref, Path target) throws IOException {
    try (InputStream in = Files.newInputStream(entry(ref))) {
      Sha256.writeVerified(in, ref, target);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (ArtifactIntegrityException e) {
      discard(ref);
      return false;
    }
  }

  /** The bytes of the entry for {@code ref}, if it exists and is intact. */
  Optional<byte[]> read(ArtifactRef ref) throws IOException {
    byte[] data;
    try {
      data = Files.readAllBytes(entry(ref));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (data.length == ref.size() && Sha256.of(data).equals(ref.sha256())) {
      return Optional.of(data);
    }
    discard(ref);
    return Optional.empty();
  }

  private void discard(ArtifactRef ref) throws IOException {
    LOG.log(Level.WARNING, "cache entry {0} for {1} is corrupt: fetching it again", entry(ref), ref);
    Files.deleteIfExists(entry(ref));
  }
}
