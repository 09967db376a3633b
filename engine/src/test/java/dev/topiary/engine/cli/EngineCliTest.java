package dev.topiary.engine.cli;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.model.Model;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCliTest {
  record Run(int code, String out, String err) {}

  static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = EngineCli.run(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void countPrintsPublishedTotalsOfResNet56() {
    Run r = run("count", "--arch", "resnet56");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("853,018 (0.85M)"), r.out());
    assertTrue(r.out().contains("125,485,696 (125.49M)"), r.out());
  }

  @Test
  void unknownArchitectureExitsTwoWithTheValidNames() {
    Run r = run("count", "--arch", "resnet57");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("arch 'resnet57' is unknown; valid: lenet5"), r.err());
  }

  @Test
  void missingModelFolderIsNamed(@TempDir Path dir) {
    Run r = run("eval", "--model", dir.resolve("none").toString(), "--test-limit", "10");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("graph.json: missing"), r.err());
  }

  @Test
  void trainsEvaluatesAndSizesATinyLeNet(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("lenet");
    Run t = run("train", "--arch", "lenet5", "--train-limit", "512", "--test-limit", "256", "--batch", "64", "--epochs", "1", "--out", out.toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("epoch 1"), t.out());
    Model m = Model.load(out);
    assertEquals(61_706, m.graph().parameterCount());
    Run e = run("eval", "--model", out.toString(), "--test-limit", "256");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("256 images, top-1 0."), e.out());
    Run s = run("size", out.toString());
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().matches("(?s)raw [0-9,]+ bytes, zipped [0-9,]+ bytes.*"), s.out());
  }

  @Test
  void exportsGraphJsonThatReadsBack(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("g.json");
    assertEquals(0, run("export-graph", "--arch", "mobilenetv2", "--cifar", "--out", f.toString()).code());
    assertEquals(2_236_682, GraphJson.read(Files.readString(f), "g.json").parameterCount());
  }

  @Test
  void benchPrintsMeasuredThroughputAsJson() {
    Run r = run("bench", "--arch", "lenet5", "--batch", "8", "--warmup", "1", "--iters", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("(?s)\\{\"model\":\"lenet5\",\"train_img_s\":[0-9.]+,\"infer_img_s\":[0-9.]+.*"), r.out());
    // where it ran and the libtorch actually loaded (a GPU check runs another build)
    assertTrue(r.out().contains("\"device\":\"cpu()\""), r.out());
    assertTrue(r.out().contains("\"engine\":\"djl-" + Engine.getDjlVersion() + "/libtorch-" + Engine.getEngine("PyTorch").getVersion() + "\""), r.out());
  }

  @Test
  void latencyReportsEveryRequestedBatchSize() {
    Run r = run("latency", "--arch", "lenet5", "--batches", "1,4", "--warmup", "1", "--runs", "3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("4 ")), r.out());
  }

  @Test
  void latencyFoldsBatchNormUnlessToldAndReportsTheSameRowsEitherWay() {
    String[] args = {"latency", "--arch", "resnet20", "--shortcut", "B", "--input", "3,16,16", "--batches", "1,2", "--warmup", "1", "--runs", "3"};
    Run folded = run(args);
    String[] unfoldedArgs = java.util.Arrays.copyOf(args, args.length + 1);
    unfoldedArgs[args.length] = "--no-fold";
    Run unfolded = run(unfoldedArgs);
    for (Run r : List.of(folded, unfolded)) {
      assertEquals(0, r.code(), r.err());
      List<String[]> rows = r.out().lines().map(String::trim).filter(l -> l.matches("\\d+ .*")).map(l -> l.split("\\s+")).toList();
      assertEquals(List.of("1", "2"), rows.stream().map(f -> f[0]).toList(), r.out());
      for (String[] f : rows) {
        assertTrue(Double.parseDouble(f[1]) > 0 && Double.parseDouble(f[2]) >= Double.parseDouble(f[1]), "median > 0, p90 >= median: " + r.out());
      }
    }
    assertTrue(folded.out().contains("DJL/libtorch, BN folded"), folded.out());
    assertTrue(unfolded.out().contains("DJL/libtorch, BN unfolded"), unfolded.out());
    Run refused = run("latency", "--arch", "lenet5", "--runtime", "onnxruntime", "--no-fold");
    assertNotEquals(0, refused.code());
    assertTrue(refused.err().contains("--no-fold applies to --runtime djl only"), refused.err());
  }

  @Test
  void initWritesALoadableSeededModel(@TempDir Path dir) throws Exception {
    Run r = run("init", "--arch", "resnet20", "--input", "1,28,28", "--seed", "3", "--out", dir.resolve("a").toString());
    assertEquals(0, r.code(), r.err());
    run("init", "--arch", "resnet20", "--input", "1,28,28", "--seed", "3", "--out", dir.resolve("b").toString());
    assertArrayEquals(Files.readAllBytes(dir.resolve("a/weights.safetensors")), Files.readAllBytes(dir.resolve("b/weights.safetensors")), "same seed, same weights");
    assertEquals(Model.load(dir.resolve("a")).graph().parameterCount(), Model.load(dir.resolve("b")).graph().parameterCount());
  }

  @Test
  void gradualScheduleRaisesSparsityWhileTraining(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("g");
    Run r = run("schedule", "--arch", "lenet5", "--mode", "gradual", "--epochs", "2", "--target-sparsity", "0.6",
        "--train-limit", "256", "--test-limit", "64", "--batch", "64", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("sparsity 0.6000 before epoch 2"), r.out());
    long zeros = 0;
    float[] w = Model.load(out).weights().get(new dev.topiary.engine.graph.ParamKey("conv2", dev.topiary.engine.graph.ParamRole.WEIGHT)).data();
    for (float v : w) {
      zeros += v == 0f ? 1 : 0;
    }
    assertEquals((long) Math.floor(0.6 * w.length), zeros);
    Run bad = run("schedule", "--arch", "lenet5", "--mode", "gradual", "--epochs", "2", "--out", out.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("needs --target-sparsity"), bad.err());
  }
}
