package dev.topiary.engine.cli;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OnnxExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Writes a model (a folder, a zoo architecture or an .onnx file) as ONNX for ONNX Runtime or TensorRT;"
        + " an imported model keeps its input and output names.")
final class ExportOnnxCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--onnx", required = true, description = "the .onnx file to write")
  Path onnx;

  @Option(names = "--opset", defaultValue = "" + OnnxExporter.MAX_OPSET,
      description = "ONNX opset, " + OnnxExporter.MIN_OPSET + " to " + OnnxExporter.MAX_OPSET + " (default ${DEFAULT-VALUE})")
  int opset;

  @Option(names = "--fold-bn", description = "fold each BatchNormalization into the convolution before it (for deployment)")
  boolean foldBn;

  @Override
  public Integer call() throws Exception {
    OnnxExporter exporter = OnnxExporter.builder().optOpset(opset).optFoldBn(foldBn).build();
    Model m = model.modelOrInit();
    byte[] bytes = exporter.toBytes(m);
    Path tmp = onnx.resolveSibling(onnx.getFileName() + ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, onnx, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    System.out.printf("wrote %s (opset %d%s, %,d bytes): input %s, outputs %s%n", onnx, opset, foldBn ? ", BN folded" : "",
        bytes.length, m.graph().inputs().get(0).name(), m.graph().outputs());
    return 0;
  }
}
