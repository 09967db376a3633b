package dev.topiary.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/** One value of a properties file, without profiles (the value a deployed service sees). */
final class PropertiesValue {
  private PropertiesValue() {}

  static Optional<String> of(Path file, String key) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return Optional.ofNullable(properties.getProperty(key)).map(String::trim);
  }
}
