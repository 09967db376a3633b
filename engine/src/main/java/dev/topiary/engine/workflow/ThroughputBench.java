package dev.topiary.engine.workflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.measure.LatencyBench;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.train.LrSchedule;
import dev.topiary.engine.train.Sgd;
import dev.topiary.engine.train.TrainingRun;
import java.util.Iterator;
import java.util.List;

/**
 * Training and inference throughput of a graph on random data, measured through the same
 * {@link TrainingRun} step users run (forward, cross-entropy, backward, SGD with momentum 0.9 and
 * weight decay 5e-4) and {@link GraphBlock#infer}. The first epoch is the warm-up; the second is
 * timed. Each phase runs at least its number of iterations and at least its number of seconds, so
 * that a small model is measured once the JVM's code is compiled and over more than a blink (LeNet-5
 * takes 20 ms a step). The same protocol as {@code bench/torch_reference.py}, so the two compare
 * side by side.
 */
public final class ThroughputBench {
  private ThroughputBench() {}

  /** Images per second, training and inference, and the iterations each timed phase ran. */
  public record Result(String model, int batch, int trainIterations, int inferIterations, double trainImagesPerSecond,
      double inferImagesPerSecond) {}

  /** How long each phase runs: at least so many iterations and at least so many seconds. */
  public record Protocol(int warmupIterations, double warmupSeconds, int iterations, double seconds) {
    public Protocol {
      if (warmupIterations < 1 || iterations < 1 || !finiteNonNegative(warmupSeconds) || !finiteNonNegative(seconds)) {
        throw new IllegalArgumentException("protocol: iterations must be >= 1 and seconds finite and >= 0, got warm-up "
            + warmupIterations + " / " + warmupSeconds + " s, timed " + iterations + " / " + seconds + " s");
      }
    }

    private static boolean finiteNonNegative(double seconds) {
      return seconds >= 0 && seconds < Double.POSITIVE_INFINITY;
    }
  }

  public static Result run(Graph graph, int batch, Protocol protocol, long seed) {
    if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
      throw new IllegalArgumentException("graph '" + graph.name() + "' must have one input and one output to be benchmarked");
    }
    int classes = graph.shape(graph.outputs().get(0)).channels();
    try (NDManager manager = NDManager.newBaseManager(EngineSettings.computeDevice()); Sgd sgd = Sgd.builder().optMomentum(0.9).optWeightDecay(5e-4).build()) {
      GraphBlock block = new GraphBlock(graph, seed);
      block.initialize(manager);
      NDArray x = manager.randomNormal(graph.inputs().get(0).shape().withBatch(batch));
      NDArray y = manager.randomInteger(0, classes, new Shape(batch), DataType.INT32);
      int[] trainSteps = new int[2];
      List<EpochResult> epochs = TrainingRun.builder().setBlock(block).setOptimizer(sgd)
          .setSchedule(LrSchedule.constant(0.01)).setEpochs(2).optSeed(seed)
          .setTrainData((epoch, m) -> () -> new Iterator<>() {
            private final Phase phase = epoch == 0
                ? new Phase(protocol.warmupIterations(), protocol.warmupSeconds())
                : new Phase(protocol.iterations(), protocol.seconds());

            @Override
            public boolean hasNext() {
              return phase.goOn();
            }

            @Override
            public NDList next() {
              trainSteps[epoch]++;
              NDList b = new NDList(x.duplicate(), y.duplicate());
              b.attach(m);
              return b;
            }
          }).build().fit();
      double train = epochs.get(1).imagesPerSecond();
      Phase warm = new Phase(protocol.warmupIterations(), protocol.warmupSeconds());
      while (warm.goOn()) {
        block.infer(x).close();
      }
      Phase timed = new Phase(protocol.iterations(), protocol.seconds());
      long t0 = System.nanoTime();
      int inferSteps = 0;
      NDArray last = null;
      while (timed.goOn()) {
        if (last != null) {
          last.close();
        }
        last = block.infer(x);
        inferSteps++;
      }
      LatencyBench.awaitDevice(last); // the clock stops once the device has run every pass
      last.close();
      double infer = (double) batch * inferSteps / ((System.nanoTime() - t0) / 1e9);
      return new Result(graph.name(), batch, trainSteps[1], inferSteps, train, infer);
    }
  }

  /** At least {@code iterations} calls of {@link #goOn} answer true, and more until {@code seconds} have passed since the first. */
  private static final class Phase {
    private final int iterations;
    private final long nanos;
    private long start = -1;
    private int done;

    Phase(int iterations, double seconds) {
      this.iterations = iterations;
      this.nanos = (long) (seconds * 1e9);
    }

    boolean goOn() {
      long now = System.nanoTime();
      if (start < 0) {
        start = now;
      }
      boolean more = done < iterations || now - start < nanos;
      if (more) {
        done++;
      }
      return more;
    }
  }
}
