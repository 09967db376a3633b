package dev.topiary.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./topiary engine} as a user runs it, in a subprocess on this module's classes: the
 * libraries' messages (libtorch's C++ warning on the first backward pass, DJL's logger) go to the
 * engine's log, not the terminal, unless {@code --verbose}; Topiary's own errors still reach the terminal.
 */
class QuietTerminalTest {
  private static final Path LAUNCHER = Path.of("..", "topiary").toAbsolutePath().normalize();
  private static final String[] LIBRARY_LINES = {"AutoNonVariableTypeMode", "[W", "WARN", "INFO ai.djl"};

  record Run(int code, String terminal, String log) {}

  private static Run launch(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString(), "engine"));
    command.addAll(List.of(args));
    Path out = dir.resolve("terminal.txt");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("TOPIARY_ENGINE_CLASSPATH", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    pb.environment().put("TOPIARY_LOG_DIR", dir.resolve("logs").toString());
    pb.environment().put("TOPIARY_JAVA_OPTS", "-Xmx1g");
    Process p = pb.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the engine ran over 5 minutes");
    Path log = dir.resolve("logs/engine.log");
    return new Run(p.exitValue(), Files.readString(out), Files.exists(log) ? Files.readString(log) : "");
  }

  private static String[] tinyTraining(Path dir) {
    return new String[] {"train", "--arch", "lenet5", "--train-limit", "128", "--test-limit", "64", "--batch", "64", "--epochs", "1",
        "--out", dir.resolve("model").toString()};
  }

  @Test
  void trainingKeepsTheLibrariesWarningsInTheLog(@TempDir Path dir) throws Exception {
    Run r = launch(dir, tinyTraining(dir));
    assertEquals(0, r.code(), r.terminal());
    assertTrue(r.terminal().contains("epoch 1  lr 0.0500") && r.terminal().contains("saved "), r.terminal());
    for (String library : LIBRARY_LINES) {
      assertFalse(r.terminal().contains(library), "'" + library + "' on the terminal:\n" + r.terminal());
    }
    assertTrue(r.log().contains("AutoNonVariableTypeMode"), "libtorch's warning is in the log:\n" + r.log());
    assertTrue(r.log().contains("INFO ai.djl.pytorch.engine.PtEngine"), "DJL's logger writes to the log:\n" + r.log());
  }

  @Test
  void verboseShowsTheLibrariesWarningsOnTheTerminal(@TempDir Path dir) throws Exception {
    List<String> args = new ArrayList<>(List.of(tinyTraining(dir)));
    args.add("--verbose");
    Run r = launch(dir, args.toArray(String[]::new));
    assertEquals(0, r.code(), r.terminal());
    assertTrue(r.terminal().contains("AutoNonVariableTypeMode"), r.terminal());
    assertTrue(r.terminal().contains("INFO ai.djl.pytorch.engine.PtEngine"), r.terminal());
    assertFalse(r.log().contains("AutoNonVariableTypeMode"), r.log());
  }

  @Test
  void topiarysOwnErrorsStillReachTheTerminal(@TempDir Path dir) throws Exception {
    Run option = launch(dir, "train", "--arch", "lenet5", "--no-such-option", "--out", dir.toString());
    assertEquals(2, option.code(), option.terminal());
    assertTrue(option.terminal().startsWith("Unknown option: '--no-such-option'"), option.terminal());
    Run arch = launch(dir, "count", "--arch", "resnet57");
    assertEquals(2, arch.code(), arch.terminal());
    assertTrue(arch.terminal().contains("error: arch 'resnet57' is unknown; valid: lenet5"), arch.terminal());
    assertFalse(arch.log().contains("resnet57' is unknown"), "the error is the user's, not the log's");
  }

  @Test
  void aJvmThatDoesNotStartShowsTheLogsLastLines(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("terminal.txt");
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "engine", "count", "--arch", "lenet5").redirectErrorStream(true)
        .redirectOutput(out.toFile());
    pb.environment().put("TOPIARY_ENGINE_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().put("TOPIARY_LOG_DIR", dir.resolve("logs").toString());
    pb.environment().put("TOPIARY_JAVA_OPTS", "-Xmx1q");
    Process p = pb.start();
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    String terminal = Files.readString(out);
    assertEquals(1, p.exitValue(), terminal);
    assertTrue(terminal.contains("topiary: the engine ended with exit code 1; the last lines of " + dir.resolve("logs/engine.log")), terminal);
    assertTrue(terminal.contains("  Invalid maximum heap size: -Xmx1q"), terminal);
  }
}
