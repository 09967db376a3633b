package dev.topiary.engine.onnx;

import java.nio.file.Path;
import java.util.List;

/** The ONNX fixture files by name, for tests outside this package. */
public final class OnnxFixtureFiles {
  private OnnxFixtureFiles() {}

  /** Every fixture file name listed in fixtures.json. */
  public static List<String> names() {
    return OnnxFixtures.all().stream().map(OnnxFixtures.Fixture::file).toList();
  }

  public static Path path(String file) {
    return OnnxFixtures.dir().resolve(file);
  }
}
