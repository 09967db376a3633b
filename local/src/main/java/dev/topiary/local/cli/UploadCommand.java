package dev.topiary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./topiary upload model|dataset}: sends a model or a dataset to the gateway, prints its
 * answer (JSON, on standard output) and the lines a job spec cites it with (on standard error).
 */
@Command(name = "upload", mixinStandardHelpOptions = true, description = "Uploads a model (ONNX, or graph.json + weights) or a dataset.",
    subcommands = {UploadCommand.Model.class, UploadCommand.Dataset.class})
final class UploadCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Command(name = "model", mixinStandardHelpOptions = true,
      description = "Uploads an ONNX file, or a graph.json with its weights.safetensors; prints the refs a spec's model cites.")
  static final class Model implements Callable<Integer> {
    @Mixin Connection connection;
    @Parameters(arity = "0..1", paramLabel = "MODEL.onnx", description = "An ONNX file as torch.onnx.export writes it.") Path onnx;
    @Option(names = "--graph", description = "A graph.json (instead of an ONNX file).") Path graph;
    @Option(names = "--weights", description = "The graph's weights.safetensors.") Path weights;

    @Override
    public Integer call() throws Exception {
      Map<String, Path> parts = new LinkedHashMap<>();
      if (onnx != null && graph == null && weights == null) {
        parts.put("model.onnx", readable(onnx));
      } else if (onnx == null && graph != null) {
        parts.put("graph.json", readable(graph));
        if (weights != null) {
          parts.put("weights.safetensors", readable(weights));
        }
      } else {
        throw new IllegalArgumentException("give either an .onnx file, or --graph (and --weights), not both");
      }
      JsonNode answer = connection.client().uploadModel(parts);
      System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
      System.err.println("cite it in a job spec:");
      System.err.println("model:");
      // an ONNX upload is cited by its file alone; a graph by its graph and weights
      for (String ref : answer.hasNonNull("onnx") ? List.of("onnx") : List.of("graph", "weights")) {
        if (answer.hasNonNull(ref)) {
          System.err.println("  " + ref + ": " + JSON.writeValueAsString(answer.get(ref)));
        }
      }
      return 0;
    }
  }

  @Command(name = "dataset", mixinStandardHelpOptions = true,
      description = "Uploads a dataset: an image folder as one zip, or the files of an IDX or CIFAR folder; prints the uri a spec's dataset cites.")
  static final class Dataset implements Callable<Integer> {
    @Mixin Connection connection;
    @Option(names = "--kind", required = true, description = "image-folder, mnist, fashion-mnist, cifar10, cifar100, idx, yolo or coco"
        + " (yolo, coco: one zip of a YOLOv5 or COCO detection folder).") String kind;
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "One zip (image-folder), or the dataset's files.") List<Path> files;

    @Override
    public Integer call() throws Exception {
      for (Path f : files) {
        readable(f);
      }
      JsonNode answer = connection.client().uploadDataset(kind, files);
      // the stored files' refs, one per picture of a photo folder, would bury the answer: their count instead
      com.fasterxml.jackson.databind.node.ObjectNode shown = answer.deepCopy();
      shown.remove("files");
      shown.put("storedFiles", answer.path("files").size());
      System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(shown));
      System.err.println("cite it in a job spec:");
      System.err.println("dataset: {kind: " + answer.path("kind").asText() + ", uri: " + answer.path("uri").asText() + "}");
      return 0;
    }
  }

  private static Path readable(Path f) {
    if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
      throw new IllegalArgumentException(f + ": no such file, or not readable");
    }
    return f;
  }
}
