package dev.topiary.engine.cli;

import dev.topiary.engine.prune.DependencyGraph;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "groups", mixinStandardHelpOptions = true,
    description = "The channel groups of a model: which channels are pruned together, and why a group is blocked.")
final class GroupsCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--exclude", split = ",", description = "nodes never pruned, e.g. conv1,fc1")
  List<String> exclude = List.of();

  @Override
  public Integer call() {
    System.out.print(DependencyGraph.of(model.graph(), new LinkedHashSet<>(exclude)).report());
    return 0;
  }
}
