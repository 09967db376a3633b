package dev.topiary.engine.cli;

import dev.topiary.engine.measure.ModelStats;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "count", mixinStandardHelpOptions = true,
    description = "Per-node output shape, learnable parameters and MACs (Conv and Gemm multiply-accumulates per image), with totals.")
final class CountCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Override
  public Integer call() {
    System.out.print(ModelStats.of(model.graph()).table());
    return 0;
  }
}
