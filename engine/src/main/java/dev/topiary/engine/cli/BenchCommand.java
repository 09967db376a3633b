package dev.topiary.engine.cli;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.workflow.ThroughputBench;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Training and inference images/s on random data (same protocol as bench/torch_reference.py); prints one JSON line. "
        + "--task detection times a YOLOv5 detector's training step (forward, YOLOv5 loss, backward, clipped SGD every accumulated batch, EMA).")
final class BenchCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Mixin RuntimeOptions runtime;

  @Option(names = "--batch", defaultValue = "128") int batch;
  @Option(names = "--warmup", defaultValue = "2", description = "warm-up iterations, at least (default: ${DEFAULT-VALUE})") int warmup;
  @Option(names = "--warmup-seconds", defaultValue = "2", description = "warm-up seconds, at least (default: ${DEFAULT-VALUE})") double warmupSeconds;
  @Option(names = "--iters", defaultValue = "5", description = "timed iterations, at least (default: ${DEFAULT-VALUE})") int iters;
  @Option(names = "--seconds", defaultValue = "3", description = "timed seconds, at least (default: ${DEFAULT-VALUE})") double seconds;
  @Option(names = "--task", defaultValue = "classification", description = "classification or detection (default: ${DEFAULT-VALUE})") String task;
  @Mixin DetectionBenchOptions detection;

  @Override
  public Integer call() throws Exception {
    runtime.apply();
    ThroughputBench.Protocol protocol = new ThroughputBench.Protocol(warmup, warmupSeconds, iters, seconds);
    switch (task) {
      case "classification" -> { }
      case "detection" -> {
        System.out.println(new ObjectMapper().writeValueAsString(detection.run(model, batch, protocol, runtime)));
        return 0;
      }
      default -> throw new IllegalArgumentException("--task: classification or detection, got '" + task + "'");
    }
    ThroughputBench.Result r = ThroughputBench.run(model.graph(), batch, protocol, model.seed);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", r.model());
    out.put("train_img_s", Math.round(r.trainImagesPerSecond() * 100) / 100.0);
    out.put("infer_img_s", Math.round(r.inferImagesPerSecond() * 100) / 100.0);
    out.put("threads", runtime.threads);
    out.put("interop", runtime.interop);
    out.put("batch", batch);
    out.put("train_iters", r.trainIterations());
    out.put("infer_iters", r.inferIterations());
    out.put("device", EngineSettings.computeDevice().toString());
    out.put("engine", "djl-" + Engine.getDjlVersion() + "/libtorch-" + Engine.getEngine("PyTorch").getVersion());
    out.put("peak_rss_mib", peakRssMib());
    System.out.println(new ObjectMapper().writeValueAsString(out));
    return 0;
  }

  /** The process's resident-set high-water mark (VmHWM) in MiB: JVM heap, libtorch and all; -1 where /proc is absent. */
  static long peakRssMib() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
