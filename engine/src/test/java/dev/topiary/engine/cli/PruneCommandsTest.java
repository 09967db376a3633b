package dev.topiary.engine.cli;

import static dev.topiary.engine.cli.EngineCliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.cli.EngineCliTest.Run;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.select.CompressRates;
import dev.topiary.engine.prune.sparse.SparsityMask;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The pruning commands, run for real on LeNet-5 (and ResNet-20 for slimming) with a few hundred Fashion-MNIST images. */
class PruneCommandsTest {
  static final String[] TINY_DATA = {"--train-limit", "256", "--test-limit", "128", "--batch", "64"};
  static final long LENET_MACS = Zoo.build("lenet5").macs();

  /** The arguments followed by {@link #TINY_DATA}. */
  static String[] withTinyData(String... head) {
    String[] all = new String[head.length + TINY_DATA.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(TINY_DATA, 0, all, head.length, TINY_DATA.length);
    return all;
  }

  static int outChannels(Graph g, String conv) {
    return ((Conv) g.node(conv).op()).outChannels();
  }

  static Path savedLeNet(Path dir) throws Exception {
    Path p = dir.resolve("lenet");
    Fitter.initialised(Zoo.build("lenet5"), 0).save(p);
    return p;
  }

  @Test
  void groupsListBlockedGroupsWithTheirReasons() {
    Run r = run("groups", "--arch", "lenet5", "--exclude", "conv2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("blocked: holds the channels of graph input 'input'"), r.out());
    assertTrue(r.out().contains("blocked: node 'conv2' is excluded"), r.out());
    assertTrue(r.out().contains("blocked: feeds graph output 'fc3'"), r.out());
    assertTrue(r.out().matches("(?s).*#\\d+\\s+conv1\\s+6 units\\s+prunable.*"), r.out());
  }

  @Test
  void rankL1ScoresEveryPrunableGroupWithoutReadingData(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("scores.json");
    // a dataset that does not exist: l1 must not read it
    Run r = run("rank", "--arch", "lenet5", "--criterion", "l1", "--dataset", "idx", "--data-dir", dir.resolve("none").toString(), "--out", f.toString());
    assertEquals(0, r.code(), r.err());
    DependencyGraph deps = DependencyGraph.of(Zoo.build("lenet5"));
    JsonNode doc = new ObjectMapper().readTree(f.toFile());
    assertEquals("l1", doc.get("criterion").asText());
    assertEquals(deps.prunableGroups().size(), doc.get("scores").size());
    for (JsonNode g : doc.get("scores")) {
      assertEquals(deps.groups().get(g.get("id").asInt()).units(), g.get("scores").size(), g.toString());
    }
    assertTrue(r.out().matches("(?s).*conv2\\s+16 units\\s+min \\S+\\s+mean \\S+\\s+max .*"), r.out());
  }

  @Test
  void rankHRankMeasuresTheGivenBatches(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("scores.json");
    Run r = run("rank", "--arch", "lenet5", "--criterion", "hrank", "--limit", "1", "--train-limit", "64", "--test-limit", "64", "--batch", "32", "--out", f.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(f.toFile());
    assertEquals(1, doc.get("batches").asInt());
    assertEquals(32, doc.get("images").asLong());
    assertTrue(r.out().contains("32 images in 1 batches"), r.out());
  }

  @Test
  void rankRefusesAnUnknownCriterionListingTheValidOnes() {
    Run r = run("rank", "--arch", "lenet5", "--criterion", "l3");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("criterion: unknown name 'l3'; valid: l1, l2, bn-scale, hrank, taylor, apoz, random"), r.err());
  }

  @Test
  void pruneToAFlopsTargetSavesASmallerModelAndPrintsThePlan(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("pruned");
    Run r = run("prune", "--arch", "lenet5", "--target-flops", "0.5", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Model m = Model.load(out);
    assertTrue(m.graph().macs() <= LENET_MACS / 2, "MACs " + m.graph().macs());
    assertFalse(m.history().isEmpty());
    assertTrue(r.out().contains("Pruning plan for lenet5"), r.out());
    assertTrue(r.out().contains(String.format("MACs   %,d -> %,d", LENET_MACS, m.graph().macs())), r.out());
  }

  @Test
  void pruneRefusesSeveralSelectionOptionsOrNone(@TempDir Path dir) {
    String out = dir.resolve("p").toString();
    Run two = run("prune", "--arch", "lenet5", "--target-flops", "0.5", "--global-ratio", "0.3", "--out", out);
    assertEquals(2, two.code());
    assertTrue(two.err().contains("error: give exactly one of --compress-rate, --config-list, --global-ratio, --target-flops, "
        + "--sparsity-rules, --global-sparsity, --nm; got --global-ratio and --target-flops"), two.err());
    Run none = run("prune", "--arch", "lenet5", "--out", out);
    assertEquals(2, none.code());
    assertTrue(none.err().contains("error: give exactly one of --compress-rate, "), none.err());
    assertFalse(Files.exists(dir.resolve("p")));
  }

  @Test
  void pruneReportsTheCompressRateParsersMessage(@TempDir Path dir) {
    String bad = "[0.5]+[0.5";
    String expected = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse(bad)).getMessage();
    Run r = run("prune", "--arch", "lenet5", "--compress-rate", bad, "--out", dir.resolve("p").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("error: " + expected), r.err());
  }

  @Test
  void pruneReusesRankScoresAndRefusesScoresOfAnotherGraph(@TempDir Path dir) throws Exception {
    Path scores = dir.resolve("scores.json");
    assertEquals(0, run("rank", "--arch", "lenet5", "--out", scores.toString()).code());
    Path reused = dir.resolve("reused");
    Path computed = dir.resolve("computed");
    Run a = run("prune", "--arch", "lenet5", "--global-ratio", "0.3", "--scores", scores.toString(), "--out", reused.toString());
    assertEquals(0, a.code(), a.err());
    assertEquals(0, run("prune", "--arch", "lenet5", "--global-ratio", "0.3", "--out", computed.toString()).code());
    Model x = Model.load(reused);
    Model y = Model.load(computed);
    assertTrue(x.graph().macs() < LENET_MACS);
    assertEquals(GraphJson.write(y.graph()), GraphJson.write(x.graph()));
    assertArrayEquals(y.weights().get(new ParamKey("conv2", ParamRole.WEIGHT)).data(), x.weights().get(new ParamKey("conv2", ParamRole.WEIGHT)).data());

    Path other = dir.resolve("other.json");
    assertEquals(0, run("rank", "--model", reused.toString(), "--out", other.toString()).code());
    Run r = run("prune", "--arch", "lenet5", "--global-ratio", "0.3", "--scores", other.toString(), "--out", dir.resolve("no").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().matches("(?s)error: .*other\\.json: (scores: )?group #\\d+ \\((conv1|conv2|fc1|fc2)\\) has \\d+ units and \\d+ scores, but in graph 'lenet5' .*"), r.err());
  }

  @Test
  void pruneReadsAnNniConfigList(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("config.json");
    Files.writeString(cfg, "[{\"opTypes\": [\"Conv\"], \"sparsity\": 0.5}, {\"opNames\": [\"conv1\"], \"exclude\": true}]");
    Path out = dir.resolve("pruned");
    Run r = run("prune", "--arch", "lenet5", "--config-list", cfg.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Graph g = Model.load(out).graph();
    assertEquals(6, outChannels(g, "conv1"));
    assertEquals(8, outChannels(g, "conv2"));

    // NNI's own spelling, as its tutorials write it: op_types with PyTorch's module names
    Files.writeString(cfg, "[{\"op_types\": [\"Conv2d\"], \"sparsity\": 0.5}, {\"op_names\": [\"conv1\"], \"exclude\": true}]");
    Path nni = dir.resolve("nni");
    Run asNni = run("prune", "--arch", "lenet5", "--config-list", cfg.toString(), "--out", nni.toString());
    assertEquals(0, asNni.code(), asNni.err());
    assertEquals(8, outChannels(Model.load(nni).graph(), "conv2"));
    Files.writeString(cfg, "[{\"opTypes\": [\"Conv3d\"], \"sparsity\": 0.5}]");
    Run conv3d = run("prune", "--arch", "lenet5", "--config-list", cfg.toString(), "--out", dir.resolve("c3").toString());
    assertEquals(2, conv3d.code());
    assertTrue(conv3d.err().contains("opTypes: unknown op type 'Conv3d'; valid: Conv, Gemm (or NNI's Conv2d, Linear)"), conv3d.err());

    Files.writeString(cfg, "[{\"opTypes\": [\"Conv\"], \"sparsity\": 0.5, \"ratio\": 1}]");
    Run bad = run("prune", "--arch", "lenet5", "--config-list", cfg.toString(), "--out", out.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("config.json: not a config list"), bad.err());
    assertTrue(bad.err().contains("ratio"), bad.err());
  }

  @Test
  void pruneTwoFourReportsTheLayersItSkips(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("nm");
    Run r = run("prune", "--arch", "lenet5", "--nm", "2:4", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("(?s).*conv1\\.weight .*2:4 needs input channels per group in multiples of 4, weight has 1 .*"), r.out());
    assertTrue(r.out().matches("(?s).*conv2\\.weight .*2:4 needs input channels per group in multiples of 4, weight has 6 .*"), r.out());
    assertTrue(r.out().matches("(?s).*fc1\\.weight\\s+48,000\\s+24,000\\s+50\\.00%.*"), r.out());
    SparsityMask mask = SparsityMask.readFrom(out, Model.load(out).graph());
    assertFalse(mask.keys().contains(new ParamKey("conv1", ParamRole.WEIGHT)));
    assertEquals(24_000, mask.pruned(new ParamKey("fc1", ParamRole.WEIGHT)));
  }

  @Test
  void pruneBySparsityRulesKeepsTheZerosThroughFineTuning(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("sparse");
    Run r = run(withTinyData("prune", "--arch", "lenet5", "--sparsity-rules", "Conv[2]=0.5; Gemm=0.8", "--finetune-epochs", "1", "--out", out.toString()));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("finetune epoch 1"), r.out());
    assertTrue(r.out().matches("(?s).*conv2\\.weight\\s+2,400\\s+1,200\\s+50\\.00%.*"), r.out());
    assertTrue(r.out().matches("(?s).*fc1\\.weight\\s+48,000\\s+38,400\\s+80\\.00%.*"), r.out());
    assertTrue(r.out().contains("size zipped:"), r.out());
    Model m = Model.load(out);
    SparsityMask mask = SparsityMask.readFrom(out, m.graph());
    float[] w = m.weights().get(new ParamKey("conv2", ParamRole.WEIGHT)).data();
    boolean[] keep = mask.keep(new ParamKey("conv2", ParamRole.WEIGHT));
    for (int i = 0; i < w.length; i++) {
      assertTrue(keep[i] || w[i] == 0f, "pruned weight " + i + " is " + w[i] + " after fine-tuning");
    }
  }

  @Test
  void scheduleLayerwisePrunesEachGroupAndPrintsEveryEpoch(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("lw");
    Run r = run(withTinyData("schedule", "--arch", "lenet5", "--mode", "layerwise", "--compress-rate", "[0.5]+[0.5]",
        "--step-epochs", "1", "--final-epochs", "1", "--out", out.toString()));
    assertEquals(0, r.code(), r.err());
    Graph g = Model.load(out).graph();
    assertEquals(3, outChannels(g, "conv1"));
    assertEquals(8, outChannels(g, "conv2"));
    assertTrue(r.out().contains("step 1: group conv1: 6 -> 3"), r.out());
    assertTrue(r.out().contains("step 2: group conv2: 16 -> 8"), r.out());
    assertTrue(r.out().contains("finetune 1/2 epoch 1"), r.out());
    assertTrue(r.out().contains("final finetune epoch 1"), r.out());
    assertTrue(r.out().contains(String.format("MACs   %,d -> %,d", LENET_MACS, g.macs())), r.out());
    assertTrue(r.out().matches("(?s).*saved .*: test top-1 0\\.\\d{4}.*"), r.out());
  }

  @Test
  void scheduleSlimmingShrinksAResNet(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("slim");
    // fewer images than the other tests: ResNet-20 trains at a few dozen images/s on two cores
    Run r = run("schedule", "--arch", "resnet20", "--input", "1,28,28", "--mode", "slimming", "--sr", "1e-3", "--sr-decay",
        "--sparsity-epochs", "1", "--percent", "0.2", "--finetune-epochs", "1", "--out", out.toString(),
        "--train-limit", "128", "--test-limit", "64", "--batch", "64");
    assertEquals(0, r.code(), r.err());
    long before = Zoo.build(ModelSpec.builder().setArch("resnet20").optInputShape(1, 28, 28).build()).macs();
    assertTrue(Model.load(out).graph().macs() < before);
    assertTrue(r.out().contains("sparsity-train epoch 1"), r.out());
    assertTrue(r.out().contains("finetune epoch 1"), r.out());
    assertTrue(r.out().contains("step 1: slimming"), r.out());
  }

  @Test
  void scheduleRefusesAnOptionOfAnotherMode(@TempDir Path dir) {
    Run r = run("schedule", "--arch", "lenet5", "--mode", "oneshot", "--target-flops", "0.5", "--stages", "0.2,0.4", "--out", dir.resolve("s").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("error: --stages: not an option of --mode oneshot"), r.err());
  }

  @Test
  void sensitivityPrintsARowPerGroupWritesAnSvgAndSavesThePlan(@TempDir Path dir) throws Exception {
    Path svg = dir.resolve("s.svg");
    Path out = dir.resolve("planned");
    Run r = run(withTinyData("sensitivity", "--arch", "lenet5", "--ratios", "0.25,0.5", "--val-limit", "64", "--svg", svg.toString(),
        "--target-flops", "0.2", "--max-drop", "1", "--out", out.toString()));
    assertEquals(0, r.code(), r.err());
    List<String> groups = DependencyGraph.of(Zoo.build("lenet5")).prunableGroups().stream().map(g -> g.name()).toList();
    for (String g : groups) {
      assertEquals(1, r.out().lines().filter(l -> l.matches(g + "\\s+\\d+\\s+-?\\d+\\.\\d{2}\\s+-?\\d+\\.\\d{2}")).count(), g + " row in\n" + r.out());
    }
    assertTrue(r.out().contains("on 64 test images"), r.out());
    Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
    assertEquals("svg", d.getDocumentElement().getTagName());
    assertEquals(groups.size(), d.getElementsByTagName("polyline").getLength());
    assertTrue(Model.load(out).graph().macs() <= LENET_MACS * 0.8, "the plan reaches the 20% target");
  }

  @Test
  void tableComparesPrunedWithOriginalLayerByLayer(@TempDir Path dir) throws Exception {
    Path original = savedLeNet(dir);
    Path pruned = dir.resolve("pruned");
    assertEquals(0, run("prune", "--model", original.toString(), "--compress-rate", "[0.5]+[0.5]", "--out", pruned.toString()).code());
    Run r = run("table", "--before", original.toString(), "--after", pruned.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("(?s).*\\nconv2\\s+Conv\\s+16 -> 8\\s+2,416 -> 608 \\(-74\\.83%\\)\\s+240,000 -> 60,000 \\(-75\\.00%\\).*"), r.out());
    assertTrue(r.out().matches("(?s).*\\nfc1\\s+Gemm\\s+120 -> 120\\s+48,120 -> 24,120 \\(-49\\.8\\d%\\).*"), r.out());
    Graph after = Model.load(pruned).graph();
    assertTrue(r.out().matches("(?s).*\\ntotal\\s+61,706 -> " + String.format("%,d", after.parameterCount()) + " \\(-\\d+\\.\\d\\d%\\)\\s+"
        + String.format("%,d", LENET_MACS) + " -> " + String.format("%,d", after.macs()) + " \\(-\\d+\\.\\d\\d%\\).*"), r.out());
    assertFalse(r.out().contains("latency"), "no timing unless asked: " + r.out());

    Path resnet = dir.resolve("resnet20");
    Fitter.initialised(Zoo.build("resnet20"), 0).save(resnet);
    Run bad = run("table", "--before", original.toString(), "--after", resnet.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("error: the models differ in nodes, not only in widths: only in " + original + ": "), bad.err());
    assertTrue(bad.err().contains("fc1"), bad.err());
  }

  /** A latency row's cells: "median / p90" before, the same after, then the speed-up; groups 1 to 5. */
  private static final String CELLS = "\\s+([0-9.]+) / ([0-9.]+)\\s+([0-9.]+) / ([0-9.]+)\\s+x([0-9.]+)$";

  @Test
  void tableWithLatencyTimesBothModelsInDjlAndOnnxRuntimeWithTheirSpeedUps(@TempDir Path dir) throws Exception {
    Path original = savedLeNet(dir);
    Path pruned = dir.resolve("pruned");
    assertEquals(0, run("prune", "--model", original.toString(), "--compress-rate", "[0.5]+[0.5]", "--out", pruned.toString()).code());
    Run r = run("table", "--before", original.toString(), "--after", pruned.toString(), "--latency", "--warmup", "1", "--runs", "3",
        "--rounds", "2", "--threads", "1");
    assertEquals(0, r.code(), r.err());
    List<String> rows = r.out().lines().filter(l -> l.startsWith("latency ")).toList();
    assertEquals(List.of("latency cpu b=1 (ms), DJL", "latency cpu b=32 (ms), DJL", "latency cpu b=1 (ms), ONNX Runtime",
        "latency cpu b=32 (ms), ONNX Runtime"), rows.stream().map(l -> l.replaceAll(CELLS, "")).toList(), r.out());
    for (String row : rows) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(CELLS).matcher(row);
      assertTrue(m.find(), row);
      double beforeMedian = Double.parseDouble(m.group(1));
      double afterMedian = Double.parseDouble(m.group(3));
      assertTrue(beforeMedian > 0 && Double.parseDouble(m.group(2)) >= beforeMedian, "before: median / p90 in " + row);
      assertTrue(afterMedian > 0 && Double.parseDouble(m.group(4)) >= afterMedian, "after: median / p90 in " + row);
      double ratio = beforeMedian / afterMedian;
      double rounding = ratio * (0.005 / beforeMedian + 0.005 / afterMedian) + 0.005; // two-decimal cells and speed-up
      assertEquals(ratio, Double.parseDouble(m.group(5)), rounding, "speed-up of the medians: " + row);
    }
    assertTrue(r.out().lines().anyMatch(l -> l.matches("latency: median / p90\\s+before\\s+after\\s+speed-up")), r.out());
    assertTrue(r.out().contains("(medians of 2 turns per model, each 3 timed runs after 1 warm-up; 1 intra-op threads;"), r.out());
  }

  @Test
  void latencyComparisonTimesEachModelInBothRuntimes() throws Exception {
    Model original = Fitter.initialised(Zoo.build("lenet5"), 0);
    Model narrower = Fitter.initialised(Zoo.build(ModelSpec.builder().setArch("lenet5").optNumClasses(4).build()), 0);
    List<LatencyComparison.Row> rows = LatencyComparison.measure(original, narrower, new int[] {1, 8},
        new dev.topiary.engine.measure.LatencyBench(0, 2), 3);
    assertEquals(List.of("DJL 1", "DJL 8", "ONNX Runtime 1", "ONNX Runtime 8"), rows.stream().map(x -> x.runtime() + " " + x.batchSize()).toList());
    for (LatencyComparison.Row x : rows) {
      assertTrue(x.beforeMs() > 0 && x.afterMs() > 0, x.toString());
      assertEquals(x.beforeMs() / x.afterMs(), x.speedup(), 1e-12);
      assertTrue(x.beforeP90Ms() >= x.beforeMs() && x.afterP90Ms() >= x.afterMs(), "each p90 is at least its median: " + x);
      assertEquals("cpu", x.device());
    }
  }
}
