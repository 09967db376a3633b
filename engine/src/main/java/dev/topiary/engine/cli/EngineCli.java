package dev.topiary.engine.cli;

import dev.topiary.engine.TopiaryException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The engine's command line: train, evaluate, count, benchmark and prune models without any service.
 * Run through {@code ./topiary engine ...}. Bad input ends with exit code 2 and one line naming
 * the field, node or file and the reason; never a stack trace. An unexpected failure prints one line
 * to the user and its stack trace to standard error, which the launcher sends to the engine's log
 * ({@link Terminal}).
 */
@Command(name = "topiary engine", mixinStandardHelpOptions = true, version = "topiary engine 0.1.0",
    description = "Train, evaluate, count, benchmark and prune CNNs with Topiary's engine (DJL + PyTorch, offline).",
    subcommands = {CountCommand.class, InitCommand.class, ImportCommand.class, ExportOnnxCommand.class, PredictCommand.class, TrainCommand.class, EvalCommand.class, BenchCommand.class, BenchHRankCommand.class,
        LatencyCommand.class, ExportGraphCommand.class, SizeCommand.class, GroupsCommand.class, RankCommand.class,
        PruneCommand.class, ScheduleCommand.class, SensitivityCommand.class, TableCommand.class, ImageFolderDataCommand.class, BenchLoaderCommand.class,
        CheckDetectionMetricsCommand.class, DetectionDataCommand.class, PredictBoxesCommand.class, SlimDetectorCommand.class, GammaHistogramCommand.class})
public final class EngineCli {
  private EngineCli() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (for tests). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(EngineCli.class);
    cli.setErr(Terminal.err());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof TopiaryException || e instanceof IllegalArgumentException) {
        cmd.getErr().println("error: " + e.getMessage());
        return 2;
      }
      e.printStackTrace();
      cmd.getErr().println("error: " + e + Terminal.logHint());
      return 1;
    });
    try {
      return cli.execute(args);
    } catch (Error e) {
      cli.getErr().println("error: " + e + Terminal.logHint()); // an out-of-memory error, say: its trace follows on standard error
      throw e;
    }
  }
}
