package dev.topiary.pipeline.stage;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A test class's real S3 server, stage context and choreography, started once per class. */
abstract class StageTestBase {
  @TempDir static Path tmp;
  static StageFixture f;
  static Choreography jobs;

  @BeforeAll
  static void start() {
    f = new StageFixture(tmp);
    jobs = new Choreography(f.ctx);
  }

  @AfterAll
  static void stop() {
    f.close();
  }
}
