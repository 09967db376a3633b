package dev.topiary.engine.cli;

import dev.topiary.engine.graph.GraphJson;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export-graph", mixinStandardHelpOptions = true, description = "Writes a model's graph.json (e.g. for bench/torch_reference.py).")
final class ExportGraphCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--out", required = true, description = "file to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    GraphJson.write(model.graph(), out);
    System.out.println("wrote " + out);
    return 0;
  }
}
