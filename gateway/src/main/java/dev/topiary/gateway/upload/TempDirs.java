package dev.topiary.gateway.upload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The gateway's scratch folders (unpacked uploads, imported and downloaded models): removed whole when a request is done. */
public final class TempDirs {
  private TempDirs() {}

  /** Deletes a folder and everything in it; nothing for null. */
  public static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cleaning " + dir, e);
    }
  }
}
