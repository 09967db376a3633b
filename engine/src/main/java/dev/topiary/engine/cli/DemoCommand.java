package dev.topiary.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.measure.LatencyBench;
import dev.topiary.engine.measure.ModelSize;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.importance.Importances;
import dev.topiary.engine.prune.schedule.OneShot;
import dev.topiary.engine.prune.schedule.ScheduleListener;
import dev.topiary.engine.prune.schedule.ScheduleResult;
import dev.topiary.engine.prune.schedule.ScheduleStep;
import dev.topiary.engine.prune.schedule.Scorer;
import dev.topiary.engine.prune.select.ChannelConstraints;
import dev.topiary.engine.prune.select.FlopsTargetSelector;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.train.Evaluation;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.FitSettings;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./topiary demo}: a real pruning job on Fashion-MNIST, end to end: a CIFAR-style ResNet-20
 * trained to a baseline, about half its FLOPs cut by L1-norm channel pruning (residual groups
 * included), fine-tuned, then both models measured side by side: accuracy, parameters, FLOPs,
 * latency in DJL and in ONNX Runtime (timed in turns), and size. Runs in-process on the engine;
 * the gateway's version (issue 6) submits the same job to the services.
 */
@Command(name = "topiary demo", mixinStandardHelpOptions = true, description = "Prune a ResNet-20 trained on Fashion-MNIST by about 50%% of its FLOPs and measure the result.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--train-images", defaultValue = "20000") int trainImages;
  @Option(names = "--test-images", defaultValue = "5000") int testImages;
  @Option(names = "--baseline-epochs", defaultValue = "3") int baselineEpochs;
  @Option(names = "--finetune-epochs", defaultValue = "2") int finetuneEpochs;
  @Option(names = "--target-flops", defaultValue = "0.5", description = "FLOPs reduction to reach") double target;
  @Option(names = "--criterion", defaultValue = "l1") String criterion;
  @Option(names = "--threads", defaultValue = "2") int threads;
  @Option(names = "--run-dir", description = "where models and the report go (default .run/demo-<time>)") Path runDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DemoCommand()).setErr(Terminal.err()).setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("error: " + e.getMessage());
      return 2;
    }).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    EngineSettings.builder().optIntraOpThreads(threads).optInterOpThreads(1).build().apply();
    Path dir = runDir != null ? runDir : Path.of(".run", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(dir);
    int[] input = {1, 28, 28};
    say("Topiary demo: ResNet-20 on Fashion-MNIST (%d train / %d test images), %s pruning to -%.0f%% FLOPs", trainImages, testImages, criterion, 100 * target);
    DataSpec.Loaders data = DataSpec.fashionMnist().withLimits(trainImages, testImages).withBatchSize(128).open(input);
    Model init = Fitter.initialised(Zoo.build(ModelSpec.builder().setArch("resnet20").optInputShape(input).build()), 0);

    Progress baselineBar = new Progress("baseline", baselineEpochs);
    Model baseline = Fitter.fit(init, data, FitSettings.defaults(baselineEpochs).withLr(0.1), baselineBar::epoch).model();
    baseline.save(dir.resolve("baseline"));
    Evaluation before = Fitter.evaluate(baseline, data);

    Progress tuneBar = new Progress("fine-tune", finetuneEpochs);
    ScheduleResult pruned = new OneShot(Scorer.of(Importances.byName(criterion), null),
        FlopsTargetSelector.builder().setReduction(target).optConstraints(new ChannelConstraints(ChannelConstraints.GLOBAL_ROUND_TO, 1)).optRoundingFallback(true).build(), FitSettings.defaults(finetuneEpochs).withLr(0.02))
        .run(baseline, data, new ScheduleListener() {
          @Override
          public void stepDone(ScheduleStep s) {
            say("prune     [%s] %,d channels removed: MACs %,d -> %,d", "#".repeat(20), s.removedUnits(), baseline.graph().macs(), s.macs());
          }

          @Override
          public void epochDone(String phase, EpochResult r) {
            tuneBar.epoch(r);
          }
        });
    Model after = pruned.model();
    after.save(dir.resolve("pruned"));
    Evaluation post = Fitter.evaluate(after, data);

    say("measure   latency at batch 1 and 32, DJL and ONNX Runtime, original and pruned in turns ...");
    Map<String, Object> b = figures(baseline, before, dir.resolve("baseline"));
    Map<String, Object> a = figures(after, post, dir.resolve("pruned"));
    List<LatencyComparison.Row> latency = LatencyComparison.measure(baseline, after, new int[] {1, 32}, new LatencyBench(5, 20), 2);
    printTable(b, a, latency);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("job", Map.of("model", "resnet20", "dataset", "fashion-mnist", "criterion", criterion, "targetFlopsReduction", target,
        "trainImages", trainImages, "testImages", testImages, "baselineEpochs", baselineEpochs, "finetuneEpochs", finetuneEpochs));
    report.put("baseline", b);
    report.put("pruned", a);
    report.put("latency", latency.stream().map(r -> Map.of("runtime", r.runtime(), "device", r.device(), "batchSize", r.batchSize(),
        "originalMs", r.beforeMs(), "prunedMs", r.afterMs(), "originalP90Ms", r.beforeP90Ms(), "prunedP90Ms", r.afterP90Ms(),
        "speedup", r.speedup())).toList());
    report.put("steps", pruned.steps());
    report.put("finetune", pruned.epochs());
    Path reportFile = dir.resolve("report.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(reportFile.toFile(), report);
    say("report    %s  (models in %s)", reportFile.toAbsolutePath(), dir.toAbsolutePath());
    say("done in %.0f s", (System.nanoTime() - start) / 1e9);
    return 0;
  }

  private Map<String, Object> figures(Model m, Evaluation e, Path folder) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("top1", e.top1());
    out.put("params", m.graph().parameterCount());
    out.put("macs", m.graph().macs());
    ModelSize size = ModelSize.of(List.of(folder.resolve(Model.GRAPH_FILE), folder.resolve(Model.WEIGHTS_FILE)));
    out.put("sizeBytes", size.rawBytes());
    out.put("zippedBytes", size.zippedBytes());
    return out;
  }

  private static void printTable(Map<String, Object> b, Map<String, Object> a, List<LatencyComparison.Row> latency) {
    System.out.println();
    row(LatencyComparison.CELLS, "original", "pruned", "change");
    row("top-1 accuracy", pct(b.get("top1")), pct(a.get("top1")), String.format(Locale.ROOT, "%+.2f pt", 100 * ((double) a.get("top1") - (double) b.get("top1"))));
    row("parameters", fmt(b.get("params")), fmt(a.get("params")), ratio(b.get("params"), a.get("params")));
    row("FLOPs (MACs)", fmt(b.get("macs")), fmt(a.get("macs")), ratio(b.get("macs"), a.get("macs")));
    for (LatencyComparison.Row r : latency) {
      row(r.label(), r.beforeText(), r.afterText(), r.speedupText());
    }
    row("size (bytes)", fmt(b.get("sizeBytes")), fmt(a.get("sizeBytes")), ratio(b.get("sizeBytes"), a.get("sizeBytes")));
    row("zipped (bytes)", fmt(b.get("zippedBytes")), fmt(a.get("zippedBytes")), ratio(b.get("zippedBytes"), a.get("zippedBytes")));
    System.out.println();
  }

  private static void row(String name, String b, String a, String change) {
    System.out.printf(Locale.ROOT, "%-" + LatencyComparison.LABEL_WIDTH + "s %" + LatencyComparison.VALUE_WIDTH + "s %" + LatencyComparison.VALUE_WIDTH + "s %10s%n", name, b, a, change);
  }

  private static String pct(Object v) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * (double) v);
  }

  private static String fmt(Object v) {
    return String.format(Locale.ROOT, "%,d", (long) v);
  }

  private static String ratio(Object b, Object a) {
    return String.format(Locale.ROOT, "%+.1f%%", 100.0 * ((long) a - (long) b) / (long) b);
  }

  private static void say(String fmt, Object... args) {
    System.out.println(String.format(Locale.ROOT, fmt, args));
  }

  /** A per-stage progress bar, advanced once per epoch. */
  private static final class Progress {
    private final String stage;
    private final int total;
    private int done;

    Progress(String stage, int total) {
      this.stage = stage;
      this.total = total;
    }

    void epoch(EpochResult r) {
      done++;
      int filled = total == 0 ? 20 : 20 * done / total;
      say("%-9s [%s%s] epoch %d/%d  loss %.3f  train %.1f%%  test %.1f%%  %.0f img/s", stage, "#".repeat(filled), ".".repeat(20 - filled),
          done, total, r.trainLoss(), 100 * r.trainAccuracy(), 100 * r.valAccuracy(), r.imagesPerSecond());
    }
  }
}
