package dev.topiary.engine.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.measure.LatencyBench;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OnnxExporter;
import dev.topiary.engine.onnx.OrtSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Median and p90 latency of an original and a pruned model in both runtimes at each batch size:
 * DJL on the engine's compute device, each model's BNs folded into their convolutions ({@link
 * BlockWeights#loadForInference}), and ONNX Runtime on the CPU (each model exported in memory; BN
 * left to ONNX Runtime's optimiser, which folds it) with libtorch's intra-op thread count. Both
 * runtimes thus time the function a deployment runs. The two models are timed in turns, original
 * then pruned, for {@code rounds} rounds ({@link LatencyBench#inTurns}), so that a change in the
 * machine's load falls on both; each figure is the median of its rounds' medians (or of their
 * p90s). Stateless.
 */
final class LatencyComparison {
  static final String DJL = "DJL";
  static final String ONNX_RUNTIME = "ONNX Runtime";
  /** The width of {@link Row#label()} in tables, enough for "latency cpu b=32 (ms), ONNX Runtime". */
  static final int LABEL_WIDTH = 36;
  /** The width of the before and after columns in tables, enough for "1234.56 / 1400.00". */
  static final int VALUE_WIDTH = 17;
  /** What the before and after cells of a latency row hold, for the tables' headers. */
  static final String CELLS = "latency: median / p90";

  private LatencyComparison() {}

  /**
   * One runtime, device and batch size: median milliseconds per batch before and after, and the
   * same for the p90 (each the median over the rounds). The speed-up is of the medians.
   */
  record Row(String runtime, String device, int batchSize, double beforeMs, double afterMs, double beforeP90Ms, double afterP90Ms) {
    double speedup() {
      return beforeMs / afterMs;
    }

    /** "latency cpu b=1 (ms), DJL", as the demos' tables name the row. */
    String label() {
      return String.format(Locale.ROOT, "latency %s b=%d (ms), %s", device, batchSize, runtime);
    }

    /** "2.31 / 2.60": the median and p90 milliseconds before. */
    String beforeText() {
      return String.format(Locale.ROOT, "%.2f / %.2f", beforeMs, beforeP90Ms);
    }

    /** "0.68 / 0.75": the median and p90 milliseconds after. */
    String afterText() {
      return String.format(Locale.ROOT, "%.2f / %.2f", afterMs, afterP90Ms);
    }

    /** "x3.40": how many times faster the pruned model runs, at the median. */
    String speedupText() {
      return String.format(Locale.ROOT, "x%.2f", speedup());
    }
  }

  /**
   * Times both models in DJL, then in ONNX Runtime; rows in that order, by batch size.
   *
   * @throws IllegalArgumentException when the exporter or ONNX Runtime refuses a model
   */
  static List<Row> measure(Model before, Model after, int[] batches, LatencyBench bench, int rounds) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    }
    Device device = EngineSettings.computeDevice();
    int threads = EngineSettings.intraOpThreadsInUse();
    int[] sample = before.graph().inputs().get(0).shape().toArray();
    List<List<LatencyBench.Result>> djl;
    List<List<LatencyBench.Result>> ort;
    try (NDManager manager = NDManager.newBaseManager(device);
        OrtSession ortBefore = OrtSessions.open(onnx(before), threads);
        OrtSession ortAfter = OrtSessions.open(onnx(after), threads)) {
      GraphBlock djlBefore = BlockWeights.loadForInference(before, manager);
      GraphBlock djlAfter = BlockWeights.loadForInference(after, manager);
      djl = LatencyBench.inTurns(rounds, List.<LatencyBench.Timing<RuntimeException>>of(
          () -> bench.run(manager, sample, batches, LatencyBench.everyOutput(djlBefore)),
          () -> bench.run(manager, sample, batches, LatencyBench.everyOutput(djlAfter))));
      ort = LatencyBench.inTurns(rounds, List.<LatencyBench.Timing<OrtException>>of(
          () -> OrtSessions.latency(ortBefore, bench, sample, batches), () -> OrtSessions.latency(ortAfter, bench, sample, batches)));
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime refused the exported model: " + e.getMessage(), e);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < batches.length; i++) {
      rows.add(row(DJL, device.getDeviceType(), djl.get(0).get(i), djl.get(1).get(i)));
    }
    for (int i = 0; i < batches.length; i++) {
      rows.add(row(ONNX_RUNTIME, Device.Type.CPU, ort.get(0).get(i), ort.get(1).get(i)));
    }
    return rows;
  }

  private static Row row(String runtime, String device, LatencyBench.Result before, LatencyBench.Result after) {
    return new Row(runtime, device, before.batchSize(), before.medianMs(), after.medianMs(), before.p90Ms(), after.p90Ms());
  }

  private static byte[] onnx(Model m) {
    return OnnxExporter.builder().build().toBytes(m);
  }
}
