package dev.topiary.engine.measure;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Inference latency: for each batch size, warm-up runs and then repeated timed runs of one
 * forward pass on a random input, reporting median and p90. Each timed run ends by reading one
 * element of the output, which waits for a GPU to finish; on the CPU PyTorch ops are synchronous.
 *
 * <p>The caller supplies the forward pass and is responsible for its grad mode (inference must
 * run without autograd recording). Not thread-safe; run one bench at a time per device.
 */
public final class LatencyBench {
  /** One forward pass over a batch; the returned array is closed by the bench. */
  @FunctionalInterface
  public interface Forward {
    NDArray apply(NDArray batch);
  }

  /**
   * One complete inference pass of a graph with any number of outputs (a detector has one head map
   * per level): every output awaited on its device, the last handed to the bench (which awaits and
   * closes it).
   */
  public static Forward everyOutput(dev.topiary.engine.exec.GraphBlock block) {
    return batch -> {
      ai.djl.ndarray.NDList out = block.infer(new ai.djl.ndarray.NDList(batch));
      for (int i = 0; i < out.size() - 1; i++) {
        awaitDevice(out.get(i));
        out.get(i).close();
      }
      return out.get(out.size() - 1);
    };
  }

  /** Figures for one batch size, in milliseconds per batch. */
  public record Result(int batchSize, double medianMs, double p90Ms, double meanMs, double minMs, int runs) {
    /** Images per second at the median latency. */
    public double imagesPerSecond() {
      return batchSize * 1000.0 / medianMs;
    }
  }

  /** The default batch sizes: 1, 2, 4, ..., 64. */
  public static final int[] DEFAULT_BATCH_SIZES = {1, 2, 4, 8, 16, 32, 64};

  private final int warmup;
  private final int runs;

  public LatencyBench(int warmup, int runs) {
    if (warmup < 0) {
      throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
    }
    if (runs < 1) {
      throw new IllegalArgumentException("runs must be >= 1, got " + runs);
    }
    this.warmup = warmup;
    this.runs = runs;
  }

  /** Times {@code forward} on random inputs of {@code sampleShape} (no batch dim) per batch size. */
  public List<Result> run(NDManager manager, int[] sampleShape, int[] batchSizes, Forward forward) {
    List<Result> results = new ArrayList<>();
    for (int b : batchSizes) {
      if (b < 1) {
        throw new IllegalArgumentException("batch size must be >= 1, got " + b);
      }
      long[] dims = new long[sampleShape.length + 1];
      dims[0] = b;
      for (int i = 0; i < sampleShape.length; i++) {
        dims[i + 1] = sampleShape[i];
      }
      try (NDManager sub = manager.newSubManager()) {
        NDArray x = sub.randomNormal(new Shape(dims));
        results.add(time(b, () -> once(forward, x)));
      }
    }
    return results;
  }

  /** One model's timing at every batch size, in any runtime: {@link #run}, or ONNX Runtime's. */
  @FunctionalInterface
  public interface Timing<E extends Exception> {
    List<Result> run() throws E;
  }

  /**
   * Times several models in turns, so that a change in the machine's load falls on all of them
   * alike: each round runs every timing once, in order, for {@code rounds} rounds. Per model and
   * batch size, the median is the median of the rounds' medians, the p90 the median of their p90s
   * (never below the median, as each round's p90 is at least its median), the mean the mean of the
   * means, the minimum the least minimum, and the runs the total.
   *
   * @return one list per timing, in the order given, each by batch size as the timing returns them
   */
  public static <E extends Exception> List<List<Result>> inTurns(int rounds, List<? extends Timing<E>> timings) throws E {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    }
    List<List<List<Result>>> byRound = new ArrayList<>(); // [timing][round][batch]
    for (int t = 0; t < timings.size(); t++) {
      byRound.add(new ArrayList<>());
    }
    for (int r = 0; r < rounds; r++) {
      for (int t = 0; t < timings.size(); t++) {
        byRound.get(t).add(timings.get(t).run());
      }
    }
    List<List<Result>> out = new ArrayList<>();
    for (List<List<Result>> rs : byRound) {
      List<Result> combined = new ArrayList<>();
      for (int b = 0; b < rs.get(0).size(); b++) {
        final int batch = b;
        List<Result> each = rs.stream().map(x -> x.get(batch)).toList();
        combined.add(new Result(each.get(0).batchSize(), medianOf(each, Result::medianMs), medianOf(each, Result::p90Ms),
            each.stream().mapToDouble(Result::meanMs).average().orElse(Double.NaN), each.stream().mapToDouble(Result::minMs).min().orElse(Double.NaN),
            each.stream().mapToInt(Result::runs).sum()));
      }
      out.add(combined);
    }
    return out;
  }

  private static double medianOf(List<Result> results, java.util.function.ToDoubleFunction<Result> f) {
    double[] v = results.stream().mapToDouble(f).sorted().toArray();
    return percentile(v, 0.5);
  }

  /** One complete forward pass over a batch, as another runtime runs it. */
  @FunctionalInterface
  public interface Pass<E extends Exception> {
    void run() throws E;
  }

  /**
   * The protocol of {@link #run}, for any runtime (ONNX Runtime's sessions use it): the warm-up
   * passes, then the timed ones, summarised. {@code pass} must return only once its outputs are
   * computed.
   */
  public <E extends Exception> Result time(int batchSize, Pass<E> pass) throws E {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    for (int i = 0; i < warmup; i++) {
      pass.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      pass.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return summarise(batchSize, ms);
  }

  private static void once(Forward forward, NDArray x) {
    try (NDArray out = forward.apply(x)) {
      awaitDevice(out);
    }
  }

  /**
   * Returns once the device has computed {@code output}: a GPU runs kernels asynchronously, and
   * reading one of its values waits for them all (on the CPU, ops are already done).
   */
  public static void awaitDevice(NDArray output) {
    try (NDArray first = output.get(0); NDArray flat = first.flatten()) {
      flat.getFloat(0);
    }
  }

  static Result summarise(int batch, double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    double mean = Arrays.stream(s).average().orElse(Double.NaN);
    return new Result(batch, percentile(s, 0.5), percentile(s, 0.9), mean, s[0], s.length);
  }

  /** Linear interpolation between closest ranks, as numpy.percentile's default. */
  static double percentile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
