package dev.topiary.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository the tests check: the {@code topiary.root} system property (surefire sets it). */
final class Repo {
  private Repo() {}

  static Path root() {
    return Path.of(System.getProperty("topiary.root", "..")).toAbsolutePath().normalize();
  }

  static String read(String relative) {
    try {
      return Files.readString(root().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
