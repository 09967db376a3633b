package dev.topiary.engine.cli;

import dev.topiary.engine.measure.ModelSize;
import dev.topiary.engine.model.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "size", mixinStandardHelpOptions = true, description = "Size of a model folder on disk, raw and zipped.")
final class SizeCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "model folder")
  Path dir;

  @Override
  public Integer call() throws Exception {
    Model.load(dir); // refuses a folder whose weights do not fit
    ModelSize s = ModelSize.of(List.of(dir.resolve(Model.GRAPH_FILE), dir.resolve(Model.WEIGHTS_FILE)));
    System.out.printf("raw %,d bytes, zipped %,d bytes (%.1f%%)%n", s.rawBytes(), s.zippedBytes(), 100 * s.compressionRatio());
    return 0;
  }
}
