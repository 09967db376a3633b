package dev.topiary.engine.cli;

import ai.djl.ndarray.NDManager;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.measure.LatencyBench;
import dev.topiary.engine.model.Model;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "latency", mixinStandardHelpOptions = true,
    description = "Inference latency per batch size: warm-up, then repeated timed runs; median and p90 in ms.")
final class LatencyCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Mixin RuntimeOptions runtime;

  @Option(names = "--batches", split = ",", defaultValue = "1,2,4,8,16,32,64") int[] batches;
  @Option(names = "--warmup", defaultValue = "5") int warmup;
  @Option(names = "--runs", defaultValue = "20") int runs;

  @Override
  public Integer call() {
    runtime.apply();
    Model m = model.modelOrInit();
    try (NDManager manager = NDManager.newBaseManager(EngineSettings.computeDevice())) {
      GraphBlock block = BlockWeights.load(m, manager);
      List<LatencyBench.Result> rs = new LatencyBench(warmup, runs).run(manager,
          m.graph().inputs().get(0).shape().toArray(), batches, block::infer);
      System.out.printf("%s latency (%d threads, %d runs)%n%6s %10s %10s %12s%n", m.graph().name(), runtime.threads, runs, "batch", "median ms", "p90 ms", "images/s");
      for (LatencyBench.Result r : rs) {
        System.out.printf("%6d %10.3f %10.3f %12.1f%n", r.batchSize(), r.medianMs(), r.p90Ms(), r.imagesPerSecond());
      }
    }
    return 0;
  }
}
