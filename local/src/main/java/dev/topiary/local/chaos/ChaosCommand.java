package dev.topiary.local.chaos;

import dev.topiary.local.LocalStack;
import dev.topiary.local.ServiceSpec;
import dev.topiary.pipeline.store.ArtifactStore;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./topiary chaos}: starts a supervised local stack of its own (free ports, its own run
 * folder), runs {@link ChaosRun} and stops the stack. Exit status 0 when every round passed.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Kills services at random moments of real jobs on a local stack of its own and checks every job ends correctly, once.")
public final class ChaosCommand implements Callable<Integer> {
  @Option(names = "--rounds", defaultValue = "20", description = "Rounds: one job, one kill (or two at once) each (default 20).")
  int rounds;

  @Option(names = "--seed", defaultValue = "1", description = "What is killed and when (default 1).")
  long seed;

  @Option(names = "--root", defaultValue = "${sys:topiary.root:-.}", description = "The repository root, where the built services are.")
  Path root;

  @Option(names = "--run-dir", description = "Logs and stored objects (default: .run/chaos-<time>).")
  Path runDir;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds: at least 1, got " + rounds);
    }
    Path repo = root.toAbsolutePath().normalize();
    Path run = (runDir != null ? runDir : repo.resolve(".run").resolve("chaos-" + LocalDateTime.now().format(
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath();
    System.out.println("chaos: starting a supervised local stack in " + run + " ...");
    try (LocalStack stack = builder(repo, run).optSupervise(System.out).start(); ArtifactStore store = stack.store()) {
      List<ChaosRun.Round> done = new ChaosRun(stack, store, seed, System.out).run(rounds);
      return done.stream().allMatch(ChaosRun.Round::passed) ? 0 : 1;
    }
  }

  /**
   * The stack a chaos run uses: every service, free ports, one libtorch thread per service (two
   * cores shared by five JVMs, and figures reproducible to the bit), short latency runs.
   */
  public static LocalStack.Builder builder(Path root, Path runDir) {
    return LocalStack.builder().setRoot(root).setRunDir(runDir).optServices(ServiceSpec.ALL).optFreePorts(true)
        .optProperty("topiary.stage.intra-op-threads", "1").optProperty("topiary.stage.latency-runs", "3")
        .optProperty("topiary.stage.latency-warmup", "1").optJvmOptions(List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError"));
  }
}
