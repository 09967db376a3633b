package dev.topiary.engine.cli;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphInput;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OnnxImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Imports an ONNX file (torch.onnx.export) as a model folder: graph.json + weights.safetensors.")
final class ImportCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "the .onnx file")
  Path file;

  @Option(names = "--out", required = true, description = "model folder to write")
  Path out;

  @Option(names = "--input", split = ",", description = "per-sample input shape C,H,W, for files with dynamic height and width")
  int[] input;

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    Model m = OnnxImporter.builder().optInputShape(input).build().importFile(file);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " is a file, not a folder");
    }
    m.save(out);
    Graph g = m.graph();
    GraphInput in = g.inputs().get(0);
    System.out.printf("imported %s in %.2f s: %d nodes%n", file, seconds, g.nodes().size());
    System.out.printf("  input      %s %s%n", in.name(), in.shape());
    for (String o : g.outputs()) {
      System.out.printf("  output     %s %s%n", o, g.shape(o));
    }
    System.out.printf("  parameters %,d%n  MACs       %,d%n", g.parameterCount(), g.macs());
    boolean bn = g.nodes().stream().anyMatch(n -> n.type() == OpType.BATCH_NORMALIZATION);
    System.out.println("  batchnorm  " + (bn ? "present (slimming and bn-scale can score it)"
        : "absent: folded at export? slimming needs it; export with training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False"));
    System.out.println("wrote " + out);
    return 0;
  }
}
