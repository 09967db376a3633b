package dev.topiary.engine.cli;

import ai.djl.engine.Engine;
import dev.topiary.engine.detect.DetectHead;
import dev.topiary.engine.detect.DetectionHyp;
import dev.topiary.engine.detect.DetectionThroughput;
import dev.topiary.engine.detect.DetectorInfo;
import dev.topiary.engine.detect.TargetAssignment;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.workflow.ThroughputBench;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code bench --task detection}: the options and the JSON line of a detector's training throughput
 * ({@link DetectionThroughput}). The targets can be written to a file, which {@code
 * bench/torch_reference.py --task detection --targets FILE} reads so that PyTorch assigns the same boxes.
 */
final class DetectionBenchOptions {
  @Option(names = "--targets-per-image", defaultValue = "4", description = "detection: synthetic boxes per picture (default: ${DEFAULT-VALUE})")
  int targetsPerImage;

  @Option(names = "--save-targets", description = "detection: write the target rows (image class cx cy w h) to this file")
  Path saveTargets;

  @Option(names = "--nominal-batch", defaultValue = "64", description = "detection: gradients accumulate to this many pictures a step (default: ${DEFAULT-VALUE})")
  int nominalBatch;

  @Option(names = "--no-ema", description = "detection: leave out the EMA update after each optimizer step")
  boolean noEma;

  Map<String, Object> run(ModelOptions model, int batch, ThroughputBench.Protocol protocol, RuntimeOptions runtime) {
    Graph g = model.graph();
    DetectHead head = DetectHead.of(g);
    Model m = model.model != null ? model.modelOrInit() : head.withInitialBiases(Fitter.initialised(g, model.seed));
    float[] targets = DetectionThroughput.syntheticTargets(batch, targetsPerImage, head.numClasses(), model.seed);
    if (saveTargets != null) {
      write(saveTargets, targets, batch);
    }
    DetectionHyp hyp = DetectionHyp.yolov5().withNominalBatch(nominalBatch);
    DetectionThroughput.Result r = DetectionThroughput.run(m, DetectorInfo.of(g, head.numClasses()).anchors(), batch, targets, hyp,
        !noEma, protocol, model.seed);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", r.model());
    out.put("task", "detection");
    out.put("train_img_s", Math.round(r.imagesPerSecond() * 100) / 100.0);
    out.put("train_img_cpu_s", Math.round(r.imagesPerCpuSecond() * 1000) / 1000.0);
    out.put("threads", runtime.threads);
    out.put("interop", runtime.interop);
    out.put("batch", batch);
    out.put("input", g.inputs().get(0).shape().toString());
    out.put("targets", r.targets());
    out.put("accumulate", r.accumulate());
    out.put("ema", r.ema());
    out.put("train_iters", r.iterations());
    out.put("optimizer_steps", r.optimizerSteps());
    float[] loss = r.meanLoss();
    out.put("mean_loss", new double[] {round5(loss[0]), round5(loss[1]), round5(loss[2])});
    out.put("device", EngineSettings.computeDevice().toString());
    out.put("engine", "djl-" + Engine.getDjlVersion() + "/libtorch-" + Engine.getEngine("PyTorch").getVersion());
    out.put("peak_rss_mib", BenchCommand.peakRssMib());
    return out;
  }

  private static double round5(float v) {
    return Math.round(v * 1e5) / 1e5;
  }

  private static void write(Path file, float[] targets, int batch) {
    StringBuilder s = new StringBuilder("# image class cx cy w h (YOLOv5 target rows, normalised), batch " + batch + "\n");
    for (int r = 0; r < targets.length / TargetAssignment.ROW; r++) {
      int o = r * TargetAssignment.ROW;
      s.append(String.format(Locale.ROOT, "%d %d %.9g %.9g %.9g %.9g%n", (int) targets[o], (int) targets[o + 1], targets[o + 2], targets[o + 3],
          targets[o + 4], targets[o + 5]));
    }
    try {
      Files.writeString(file, s);
    } catch (IOException e) {
      throw new UncheckedIOException("--save-targets: cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
