package dev.topiary.pipeline.store;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local download cache: one file per content, {@code <dir>/<sha[0..2]>/<sha>}, so refs with the
 * same bytes share an entry whatever their bucket or key. An entry is verified on every use and
 * deleted if corrupt; entries are written to a temporary name and moved into place, so processes
 * may share the folder.
 *
 * <p>Bounded: a hit touches the entry's modification time, and after each new entry the least
 * recently used entries are deleted until the folder holds at most {@code maxBytes}. Entries used in
 * the last {@link #IN_USE} are never evicted (another thread or process may be reading them), so the
 * folder can exceed the bound briefly; an entry larger than the bound is kept while in use.
 */
final class ArtifactCache {
  private static final System.Logger LOG = System.getLogger(ArtifactCache.class.getName());
  /** How long after its last use an entry is safe from eviction. */
  static final Duration IN_USE = Duration.ofMinutes(1);

  private final Path dir;
  private final long maxBytes;
  private final Clock clock;

  /** {@code maxBytes} is validated by {@link ArtifactStoreBuilder}, the only caller. */
  ArtifactCache(Path dir, long maxBytes, Clock clock) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.clock = clock;
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
      touch(ref);
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
      touch(ref);
      return Optional.of(data);
    }
    discard(ref);
    return Optional.empty();
  }

  /** Marks the entry as used now (its modification time), protecting it from eviction for {@link #IN_USE}. */
  private void touch(ArtifactRef ref) {
    try {
      Files.setLastModifiedTime(entry(ref), FileTime.from(clock.instant()));
    } catch (IOException e) {
      // evicted meanwhile by another process: the caller holds the bytes or an open stream
    }
  }

  /**
   * After a new entry: deletes the least recently used entries (oldest modification time first)
   * until the folder holds at most {@code maxBytes}, sparing {@code keep} and every entry used in
   * the last {@link #IN_USE}. Returns how many were deleted.
   */
  int evict(ArtifactRef keep) throws IOException {
    touch(keep);
    List<Entry> entries = new ArrayList<>();
    long total = 0;
    try (Stream<Path> files = Files.walk(dir, 2)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        if (f.getFileName().toString().length() != 64) {
          continue; // a temporary download of another process
        }
        try {
          BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
          entries.add(new Entry(f, a.size(), a.lastModifiedTime().toInstant()));
          total += a.size();
        } catch (NoSuchFileException e) {
          // evicted by another process meanwhile
        }
      }
    }
    if (total <= maxBytes) {
      return 0;
    }
    entries.sort(Comparator.comparing(Entry::used));
    Instant safeAfter = clock.instant().minus(IN_USE);
    Path kept = entry(keep);
    int deleted = 0;
    for (Entry e : entries) {
      if (total <= maxBytes) {
        break;
      }
      if (e.file.equals(kept) || e.used.isAfter(safeAfter)) {
        continue;
      }
      if (Files.deleteIfExists(e.file)) {
        deleted++;
      }
      total -= e.size;
    }
    if (deleted > 0) {
      LOG.log(Level.DEBUG, "cache {0}: evicted {1} entries to stay under {2} bytes", dir, deleted, maxBytes);
    }
    return deleted;
  }

  private record Entry(Path file, long size, Instant used) {}

  private void discard(ArtifactRef ref) throws IOException {
    LOG.log(Level.WARNING, "cache entry {0} for {1} is corrupt: fetching it again", entry(ref), ref);
    Files.deleteIfExists(entry(ref));
  }
}
