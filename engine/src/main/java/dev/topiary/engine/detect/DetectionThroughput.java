package dev.topiary.engine.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.measure.LatencyBench;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.TorchSupport;
import dev.topiary.engine.workflow.ThroughputBench;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;

/**
 * Training throughput of a detector: exactly {@link DetectionTrainer}'s iteration ({@link
 * DetectionStep}: forward, {@link YoloLoss} with its host-side target assignment, backward, and
 * every {@code accumulate} batches the clipped SGD step over YOLOv5's groups and the EMA update),
 * timed on one fixed batch of uniform [0, 1) pictures and the given targets, so data loading is
 * left out. The schedule is YOLOv5's past its warm-up: learning rate {@code lr0} for every group,
 * momentum {@code hyp.momentum()}, {@code accumulate = round(nominal batch / batch)}; the
 * iteration count runs on from the warm-up phase into the timed one, as a training run's would, and
 * the timed phase runs a multiple of {@code accumulate} iterations.
 *
 * <p>The protocol is {@link ThroughputBench}'s: each phase runs at least its iterations and at
 * least its seconds. {@code bench/torch_reference.py --task detection} runs the same step in
 * PyTorch on the same graph and targets.
 */
public final class DetectionThroughput {
  private DetectionThroughput() {}

  /**
   * The timed phase's figures.
   *
   * @param iterations forward-backward passes timed
   * @param optimizerSteps optimizer steps among them
   * @param imagesPerSecond pictures over the timed phase's wall-clock seconds
   * @param imagesPerCpuSecond pictures over the CPU seconds the whole process spent in the timed phase
   *     (all its threads): on a shared machine, less sensitive than the wall clock to other jobs
   * @param meanLoss box, objectness and class losses averaged over every iteration run
   */
  public record Result(String model, int batch, int imageSize, int targets, int accumulate, boolean ema, int iterations,
      int optimizerSteps, double imagesPerSecond, double imagesPerCpuSecond, float[] meanLoss) {}

  /**
   * {@code perImage} boxes in each of {@code batch} pictures, YOLOv5's target rows (image, class, cx,
   * cy, w, h; normalised): width and height uniform in [0.05, 0.4), the centre uniform where the
   * box lies inside the picture, the class uniform; the same seed gives the same rows.
   */
  public static float[] syntheticTargets(int batch, int perImage, int numClasses, long seed) {
    if (batch < 1 || perImage < 0 || numClasses < 1) {
      throw new IllegalArgumentException("targets: batch and classes must be >= 1 and targets per image >= 0, got batch " + batch
          + ", " + perImage + " per image, " + numClasses + " classes");
    }
    Random r = new Random(seed);
    float[] rows = new float[batch * perImage * TargetAssignment.ROW];
    int k = 0;
    for (int i = 0; i < batch; i++) {
      for (int j = 0; j < perImage; j++) {
        float w = 0.05f + 0.35f * r.nextFloat();
        float h = 0.05f + 0.35f * r.nextFloat();
        rows[k++] = i;
        rows[k++] = r.nextInt(numClasses);
        rows[k++] = w / 2 + (1 - w) * r.nextFloat();
        rows[k++] = h / 2 + (1 - h) * r.nextFloat();
        rows[k++] = w;
        rows[k++] = h;
      }
    }
    return rows;
  }

  /**
   * Times the training step of {@code model} (initialised weights; a square input).
   *
   * @param targets rows of {@value TargetAssignment#ROW}, image indices below {@code batch}
   * @throws IllegalArgumentException when the model is not a detector fitting the anchors, its
   *     input is not square, or a target row is malformed (naming it)
   */
  public static Result run(Model model, Anchors anchors, int batch, float[] targets, DetectionHyp hyp, boolean ema,
      ThroughputBench.Protocol protocol, long seed) {
    DetectHead head = DetectHead.of(model.graph());
    head.checkAnchors(anchors);
    TensorShape in = model.graph().inputs().get(0).shape();
    if (in.height() != in.width() || batch < 1) {
      throw new IllegalArgumentException("bench: needs a square input and a batch >= 1, got input " + in + ", batch " + batch);
    }
    int[] gh = new int[head.levels()];
    int[] gw = new int[head.levels()];
    for (int l = 0; l < head.levels(); l++) {
      gh[l] = head.gridHeight(l);
      gw[l] = head.gridWidth(l);
    }
    TargetAssignment.assign(targets, batch, head.numClasses(), anchors, gh, gw, 4f); // names a bad row before any work
    DetectionBatch data = new DetectionBatch(batch, in.height(), pictures(batch * in.channels() * in.height() * in.width(), seed),
        targets.clone(), List.of(), List.of(), List.of());
    int accumulate = hyp.accumulate(batch);
    TorchSupport.disableAutogradOnThisThread();
    try (NDManager manager = NDManager.newBaseManager(EngineSettings.computeDevice())) {
      GraphBlock block = BlockWeights.load(model, manager);
      try (DetectionStep step = new DetectionStep(block, manager, anchors, hyp, batch, ema, List.of())) {
        Loop loop = new Loop(step, manager, data, accumulate, hyp);
        loop.phase(protocol.warmupIterations(), protocol.warmupSeconds(), 1);
        int steps0 = loop.steps;
        long t0 = System.nanoTime();
        long c0 = processCpuNanos();
        int iterations = loop.phase(protocol.iterations(), protocol.seconds(), accumulate);
        NDArray anyWeight = block.parameterArrays().values().iterator().next();
        LatencyBench.awaitDevice(anyWeight); // the clock stops once the device has run the last step
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (processCpuNanos() - c0) / 1e9;
        float[] mean = new float[3];
        for (int k = 0; k < 3; k++) {
          mean[k] = (float) (loop.sums[k] / loop.iteration);
        }
        return new Result(model.graph().name(), batch, in.height(), targets.length / TargetAssignment.ROW, accumulate, ema, iterations,
            loop.steps - steps0, batch * iterations / seconds, batch * iterations / cpuSeconds, mean);
      }
    }
  }

  /** CPU time of the whole process (every thread: libtorch's, the JIT's, the collector's). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static float[] pictures(int n, long seed) {
    Random r = new Random(seed ^ 0x5DEECE66DL);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextFloat();
    }
    return v;
  }

  /** The trainer's loop body with a fixed schedule; counts iterations and optimizer steps across phases. */
  private static final class Loop {
    private final DetectionStep step;
    private final NDManager manager;
    private final DetectionBatch batch;
    private final int accumulate;
    private final DetectionHyp hyp;
    private final double[] sums = new double[3];
    private long iteration;
    private long lastStep = -1;
    private int steps;

    Loop(DetectionStep step, NDManager manager, DetectionBatch batch, int accumulate, DetectionHyp hyp) {
      this.step = step;
      this.manager = manager;
      this.batch = batch;
      this.accumulate = accumulate;
      this.hyp = hyp;
    }

    /**
     * At least {@code iterations} iterations and at least {@code seconds}, and a multiple of {@code
     * multiple}: any {@code k * accumulate} consecutive iterations hold exactly {@code k} optimizer
     * steps, so the timed phase's share of steps is the training run's. Returns the iterations run.
     */
    int phase(int iterations, double seconds, int multiple) {
      long start = System.nanoTime();
      long nanos = (long) (seconds * 1e9);
      int done = 0;
      while (done < iterations || System.nanoTime() - start < nanos || done % multiple != 0) {
        once();
        done++;
      }
      return done;
    }

    private void once() {
      try (NDManager scratch = manager.newSubManager()) {
        float[] parts = step.forwardBackward(batch, scratch);
        for (int k = 0; k < 3; k++) {
          sums[k] += parts[k];
        }
        if (iteration - lastStep >= accumulate) {
          step.optimizerStep(hyp.lr0(), hyp.lr0(), hyp.momentum(), 0, 1, scratch);
          lastStep = iteration;
          steps++;
        }
      }
      iteration++;
    }
  }
}
