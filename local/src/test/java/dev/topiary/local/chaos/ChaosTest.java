package dev.topiary.local.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.local.LocalStack;
import dev.topiary.pipeline.store.ArtifactStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short chaos run of {@code ./mvnw verify}: three rounds of {@code ./topiary chaos} on a
 * supervised stack of every service. Each round's job must complete with the undisturbed run's
 * figures, one result per step and nothing half-written ({@link RoundChecks}).
 */
class ChaosTest {
  @Test
  void threeRoundsOfKillsEndEveryJobCorrectlyAndOnce() throws Exception {
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new TeeStream(said), true, StandardCharsets.UTF_8);
    Path run = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chaos-run-");
    try (LocalStack stack = ChaosCommand.builder(Path.of("..").toAbsolutePath().normalize(), run).optSupervise(out).start();
        ArtifactStore store = stack.store()) {
      List<ChaosRun.Round> rounds = new ChaosRun(stack, store, 3, out).run(3);
      assertEquals(3, rounds.size());
      String text = said.toString(StandardCharsets.UTF_8);
      assertTrue(rounds.stream().allMatch(ChaosRun.Round::passed), text);
      assertTrue(text.contains("3 passed, 0 failed"), text);
      for (ChaosRun.Round r : rounds) {
        for (String victim : r.killed()) {
          assertTrue(text.contains(victim + " restarted (pid "), "the supervisor restarted " + victim + ": " + text);
        }
      }
    }
  }

  /** Echoes to standard output while keeping a copy. */
  private static final class TeeStream extends java.io.OutputStream {
    private final ByteArrayOutputStream copy;

    TeeStream(ByteArrayOutputStream copy) {
      this.copy = copy;
    }

    @Override
    public void write(int b) throws IOException {
      copy.write(b);
      System.out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      copy.write(b, off, len);
      System.out.write(b, off, len);
    }
  }
}
