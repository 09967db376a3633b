package dev.topiary.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.engine.cli.EngineCli;
import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.data.SyntheticImageFolder;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.measure.ModelStats;
import dev.topiary.engine.onnx.OrtSessions;
import dev.topiary.engine.weights.Npy;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.local.cli.GatewayClient;
import dev.topiary.local.cli.TopiaryCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A user's own model through the service, as README.md's "Bring your own model" walks it: the
 * commands a user types ({@code ./topiary upload}, {@code download}, {@code engine predict}), run
 * in this JVM against a running gateway, with the files they write.
 */
final class OnnxJobFlow {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final String token;
  private final Path dir;

  OnnxJobFlow(String url, String token, Path dir) {
    this.url = url;
    this.token = token;
    this.dir = dir;
  }

  /** The committed PyTorch ResNet fixture (3x32x32, 10 classes, BN kept), as a user's file. */
  Path onnxFile() throws IOException {
    Path file = dir.resolve("resnet.onnx");
    try (InputStream in = OnnxJobFlow.class.getResourceAsStream("/onnx/resnet-bn-op13.onnx")) {
      Files.copy(in, file);
    }
    return file;
  }

  /** A generated ImageFolder of 32x32 JPEGs (Fashion-MNIST items, ten classes), zipped as a user uploads it. */
  Path imageFolderZip(int train, int val) throws IOException {
    Path folder = dir.resolve("pictures");
    SyntheticImageFolder.write(DatasetCatalog.FASHION_MNIST_DEBIAN, folder, train, val, 32, SyntheticImageFolder.Format.JPEG, 11);
    Path zip = dir.resolve("pictures.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip)); Stream<Path> files = Files.walk(folder)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new ZipEntry(folder.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    return zip;
  }

  /** {@code ./topiary <args> --url --token}: what it printed on standard output; fails unless it exits 0. */
  String cli(String... args) {
    String[] all = Stream.concat(Stream.of(args), Stream.of("--url", url, "--token", token)).toArray(String[]::new);
    PrintStream before = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      code = TopiaryCommand.commandLine().execute(all);
    } finally {
      System.setOut(before);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, "./topiary " + String.join(" ", args) + " printed " + printed);
    return printed;
  }

  JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  /** A one-shot L1 job to -50% FLOPs with one epoch of fine-tuning, citing the uploads. */
  static String spec(String name, JsonNode onnxRef, String datasetUri) {
    return """
        name: %s
        model: {onnx: %s}
        dataset: {kind: image-folder, uri: '%s', batchSize: 32}
        prune: {criterion: l1, select: {targetFlopsReduction: 0.5}}
        schedule: {mode: oneshot, finetune: {epochs: 1, optimizer: {lr: 0.01}}}
        eval: {batchSizes: [1, 8]}
        """.formatted(name, onnxRef.toString(), datasetUri);
  }

  /**
   * Downloads the pruned model as ONNX and as a model folder, with the CLI; checks that the file
   * runs in ONNX Runtime with the input and output names of the uploaded file and gives the outputs
   * DJL computes on the folder, and that its MACs are those the report states.
   */
  void checkDownloadedModel(GatewayClient gateway, String jobId) throws Exception {
    Path onnx = dir.resolve(jobId + "-pruned.onnx");
    Path zip = dir.resolve(jobId + "-model.zip");
    cli("download", jobId, "--format", "onnx", "--out", onnx.toString());
    cli("download", jobId, "--out", zip.toString());
    Path folder = unzip(zip, dir.resolve(jobId + "-model"));

    try (var session = OrtSessions.open(onnx)) {
      assertEquals(List.of("input"), List.copyOf(session.getInputNames()), "the uploaded file's input name");
      assertEquals(List.of("output"), List.copyOf(session.getOutputNames()), "the uploaded file's output name");
    }
    Path x = dir.resolve(jobId + "-x.npy");
    Random r = new Random(3);
    float[] values = new float[2 * 3 * 32 * 32];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) r.nextGaussian();
    }
    Npy.write(x, new int[] {2, 3, 32, 32}, values);
    Path djl = dir.resolve(jobId + "-djl.npy");
    Path ort = dir.resolve(jobId + "-ort.npy");
    assertEquals(0, EngineCli.run("predict", "--model", folder.toString(), "--input", x.toString(), "--out", djl.toString()));
    assertEquals(0, EngineCli.run("predict", "--model", onnx.toString(), "--input", x.toString(), "--out", ort.toString(),
        "--runtime", "onnxruntime"));
    Tensor a = Npy.read(djl);
    Tensor b = Npy.read(ort);
    double scale = 1;
    double worst = 0;
    for (int i = 0; i < a.data().length; i++) {
      scale = Math.max(scale, Math.abs(a.data()[i]));
      worst = Math.max(worst, Math.abs(a.data()[i] - b.data()[i]));
    }
    assertTrue(worst / scale <= 1e-4, "ONNX Runtime on the downloaded file against DJL on the pruned graph: " + worst);

    long reported = gateway.report(jobId).path("pruned").path("macs").asLong();
    long counted = ModelStats.of(GraphJson.read(Files.readString(folder.resolve("graph.json")), "graph.json")).macs();
    assertEquals(reported, counted, "the pruned model's MACs against the report's");
  }

  private static Path unzip(Path zip, Path into) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path target = into.resolve(Path.of(e.getName()).getFileName().toString());
        Files.createDirectories(into);
        try (OutputStream out = Files.newOutputStream(target)) {
          in.transferTo(out);
        }
      }
    }
    return into;
  }
}
