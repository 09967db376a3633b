package dev.topiary.engine.workflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.train.LrSchedule;
import dev.topiary.engine.train.Sgd;
import dev.topiary.engine.train.TrainingRun;
import java.util.ArrayList;
import java.util.List;

/**
 * Training and inference throughput of a graph on random data, measured through the same
 * {@link TrainingRun} step users run (forward, cross-entropy, backward, SGD with momentum 0.9 and
 * weight decay 5e-4) and {@link GraphBlock#infer}. The first epoch is the warm-up; the second is
 * timed. The same protocol as {@code bench/torch_reference.py}, so the two compare side by side.
 */
public final class ThroughputBench {
  private ThroughputBench() {}

  /** Images per second, training and inference. */
  public record Result(String model, int batch, int iterations, double trainImagesPerSecond, double inferImagesPerSecond) {}

  public static Result run(Graph graph, int batch, int warmup, int iterations, long seed) {
    if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
      throw new IllegalArgumentException("graph '" + graph.name() + "' must have one input and one output to be benchmarked");
    }
    int classes = graph.shape(graph.outputs().get(0)).channels();
    try (NDManager manager = NDManager.newBaseManager(); Sgd sgd = Sgd.builder().optMomentum(0.9).optWeightDecay(5e-4).build()) {
      GraphBlock block = new GraphBlock(graph, seed);
      block.initialize(manager);
      NDArray x = manager.randomNormal(graph.inputs().get(0).shape().withBatch(batch));
      NDArray y = manager.randomInteger(0, classes, new Shape(batch), DataType.INT32);
      List<EpochResult> epochs = TrainingRun.builder().setBlock(block).setOptimizer(sgd)
          .setSchedule(LrSchedule.constant(0.01)).setEpochs(2).optSeed(seed)
          .setTrainData((epoch, m) -> {
            List<NDList> batches = new ArrayList<>();
            int n = epoch == 0 ? Math.max(1, warmup) : iterations;
            for (int i = 0; i < n; i++) {
              NDList b = new NDList(x.duplicate(), y.duplicate());
              b.attach(m);
              batches.add(b);
            }
            return batches;
          }).build().fit();
      double train = epochs.get(1).imagesPerSecond();
      for (int i = 0; i < warmup; i++) {
        block.infer(x).close();
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        block.infer(x).close();
      }
      double infer = (double) batch * iterations / ((System.nanoTime() - t0) / 1e9);
      return new Result(graph.name(), batch, iterations, train, infer);
    }
  }
}
