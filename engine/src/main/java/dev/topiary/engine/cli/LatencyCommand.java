package dev.topiary.engine.cli;

import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.measure.LatencyBench;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OrtSessions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "latency", mixinStandardHelpOptions = true,
    description = "Inference latency per batch size: warm-up, then repeated timed runs; median and p90 in ms."
        + " --runtime onnxruntime measures the model in ONNX Runtime (an .onnx file as it is, other models exported first),"
        + " with the same threads and full graph optimisation. DJL runs the model with each BatchNorm folded into the"
        + " convolution before it, as ONNX Runtime's optimiser does (--no-fold: as stored, to time the difference).")
final class LatencyCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Mixin RuntimeOptions runtime;

  @Option(names = "--batches", split = ",", defaultValue = "1,2,4,8,16,32,64") int[] batches;
  @Option(names = "--warmup", defaultValue = "5") int warmup;
  @Option(names = "--runs", defaultValue = "20") int runs;
  @Option(names = "--runtime", defaultValue = "djl", description = "djl or onnxruntime (default ${DEFAULT-VALUE})") String engine;
  @Option(names = "--no-fold", description = "DJL: run every BatchNorm as its own op, as in training (default: folded into its conv)")
  boolean noFold;

  @Override
  public Integer call() throws OrtException {
    if (!engine.equals("djl") && !engine.equals("onnxruntime")) {
      throw new IllegalArgumentException("--runtime must be djl or onnxruntime, got '" + engine + "'");
    }
    if (noFold && !engine.equals("djl")) {
      throw new IllegalArgumentException("--no-fold applies to --runtime djl only (ONNX Runtime folds BatchNorm itself)");
    }
    runtime.apply();
    Model m = model.modelOrInit();
    int[] sample = m.graph().inputs().get(0).shape().toArray();
    LatencyBench bench = new LatencyBench(warmup, runs);
    List<LatencyBench.Result> rs;
    if (engine.equals("onnxruntime")) {
      try (OrtSession s = OrtPredict.session(model.model == null ? java.nio.file.Path.of("model") : model.model, m, runtime.threads)) {
        rs = OrtSessions.latency(s, bench, sample, batches);
      }
    } else {
      try (NDManager manager = NDManager.newBaseManager(EngineSettings.computeDevice())) {
        GraphBlock block = noFold ? BlockWeights.load(m, manager) : BlockWeights.loadForInference(m, manager);
        rs = bench.run(manager, sample, batches, LatencyBench.everyOutput(block));
      }
    }
    String runner = engine.equals("onnxruntime") ? "ONNX Runtime" : noFold ? "DJL/libtorch, BN unfolded" : "DJL/libtorch, BN folded";
    System.out.printf("%s latency, %s (%d threads, %d runs)%n%6s %10s %10s %12s%n", m.graph().name(),
        runner, runtime.threads, runs, "batch", "median ms", "p90 ms", "images/s");
    for (LatencyBench.Result r : rs) {
      System.out.printf("%6d %10.3f %10.3f %12.1f%n", r.batchSize(), r.medianMs(), r.p90Ms(), r.imagesPerSecond());
    }
    return 0;
  }
}
