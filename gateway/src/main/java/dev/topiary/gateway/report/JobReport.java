package dev.topiary.gateway.report;

import dev.topiary.gateway.view.JobDetails;
import dev.topiary.pipeline.event.ModelEvaluated;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's report: the original model's evaluation against the pruned one's, the ratios between
 * them, channels per layer, the epochs, latency per device, runtime (DJL, ONNX Runtime) and batch
 * size, and the timeline.
 * Built from the view's details at any time: before the final evaluation, {@code pruned} is null.
 *
 * @param comparison pruned relative to baseline; null until both evaluations exist
 */
public record JobReport(
    String jobId, String name, String state, JobDetails.Evaluation baseline, JobDetails.Evaluation pruned, Comparison comparison,
    List<JobDetails.LayerChannels> channels, List<JobDetails.Epoch> epochs, List<LatencyRow> latency, List<JobDetails.Step> timeline,
    JobDetails.Failure failure) {

  /**
   * Pruned against baseline.
   *
   * @param top1Change pruned top-1 minus baseline top-1 (fractions)
   * @param paramsRemaining pruned / baseline parameters
   * @param macsRemaining pruned / baseline MACs
   * @param sizeRemaining pruned / baseline bytes of the model files
   */
  public record Comparison(double top1Change, double paramsRemaining, double macsRemaining, double sizeRemaining) {}

  /**
   * One device, runtime and batch size: median latency before and after, and the speed-up. Either
   * side may be null.
   *
   * @param runtime {@code djl} or {@code onnxruntime} ({@link ModelEvaluated.Latency#runtime()})
   */
  public record LatencyRow(String device, String runtime, int batchSize, Double baselineMs, Double prunedMs, Double speedup) {}

  /** Rows by device, then runtime, then batch size. */
  private record RowKey(String device, String runtime, int batchSize) {}

  private static final Comparator<RowKey> ROW_ORDER =
      Comparator.comparing(RowKey::device).thenComparing(RowKey::runtime).thenComparingInt(RowKey::batchSize);

  public static JobReport of(JobDetails d) {
    JobDetails.Evaluation base = d.baseline();
    JobDetails.Evaluation pruned = "completed".equals(d.state()) ? d.lastEvaluation() : null;
    Comparison c = base != null && pruned != null ? new Comparison(pruned.top1() - base.top1(), ratio(pruned.params(), base.params()),
        ratio(pruned.macs(), base.macs()), ratio(pruned.sizeBytes(), base.sizeBytes())) : null;
    return new JobReport(d.id(), d.name(), d.state(), base, pruned, c, d.channels(), d.epochs(), latency(base, pruned),
        d.timeline(), d.failure());
  }

  private static List<LatencyRow> latency(JobDetails.Evaluation base, JobDetails.Evaluation pruned) {
    Map<RowKey, Double[]> rows = new TreeMap<>(ROW_ORDER);
    add(rows, base, 0);
    add(rows, pruned, 1);
    List<LatencyRow> out = new ArrayList<>();
    rows.forEach((k, v) -> {
      Double speedup = v[0] != null && v[1] != null && v[1] > 0 ? v[0] / v[1] : null;
      out.add(new LatencyRow(k.device(), k.runtime(), k.batchSize(), v[0], v[1], speedup));
    });
    return out;
  }

  private static void add(Map<RowKey, Double[]> rows, JobDetails.Evaluation e, int side) {
    if (e == null) {
      return;
    }
    for (ModelEvaluated.Latency l : e.latency()) {
      rows.computeIfAbsent(new RowKey(l.device(), l.runtime(), l.batchSize()), k -> new Double[2])[side] = l.medianMs();
    }
  }

  private static double ratio(long a, long b) {
    return b == 0 ? 0 : (double) a / b;
  }
}
