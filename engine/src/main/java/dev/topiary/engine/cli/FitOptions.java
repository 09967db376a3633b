package dev.topiary.engine.cli;

import dev.topiary.engine.workflow.FitSettings;
import picocli.CommandLine.Option;

/** SGD settings for fine-tuning after pruning (the epoch counts are the commands' own options). */
final class FitOptions {
  @Option(names = "--lr", defaultValue = "0.01", description = "learning rate (default ${DEFAULT-VALUE})") double lr;
  @Option(names = "--momentum", defaultValue = "0.9") double momentum;
  @Option(names = "--nesterov") boolean nesterov;
  @Option(names = "--weight-decay", defaultValue = "5e-4") double weightDecay;
  @Option(names = "--schedule", defaultValue = "cosine", description = "constant, cosine or multistep:<e1>,<e2>[:gamma] (default ${DEFAULT-VALUE})") String schedule;

  FitSettings settings(int epochs, long seed) {
    return new FitSettings(epochs, lr, momentum, nesterov, weightDecay, schedule, seed);
  }
}
