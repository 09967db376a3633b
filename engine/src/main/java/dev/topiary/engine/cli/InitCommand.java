package dev.topiary.engine.cli;

import dev.topiary.engine.model.Model;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true,
    description = "Writes a zoo model with the engine's seeded PyTorch-default initialisation as a model folder (no training).")
final class InitCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--out", required = true, description = "model folder to write") Path out;

  @Override
  public Integer call() throws Exception {
    Model m = model.modelOrInit();
    m.save(out);
    System.out.printf("wrote %s: %s, %,d parameters, %,d MACs%n", out, m.graph().name(), m.graph().parameterCount(), m.graph().macs());
    return 0;
  }
}
