package dev.topiary.gateway.report;

import dev.topiary.gateway.view.JobDetails;
import dev.topiary.pipeline.event.DetectionFigures;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.RankComputed;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's report: the original model's evaluation against the pruned one's, the ratios between
 * them, channels per layer, the epochs, latency per device, runtime (DJL, ONNX Runtime) and batch
 * size, and the timeline. A detection job's report adds the seed's table ({@code points}: mAP,
 * parameters, GFLOPs and latency at each evaluation) and the |gamma| histogram of slimming.
 * Built from the view's details at any time: before the final evaluation, {@code pruned} is null.
 *
 * @param comparison pruned relative to baseline; null until both evaluations exist
 * @param detection whether the job measures a detector
 * @param points detection: one row per evaluation, in step order (empty for a classification job)
 * @param gamma detection slimming: the histogram before and after sparsity training when measured, else the first one; null otherwise
 * @param sensitivity a sensitivity job's analysis: references to its curves and plot, and the cut chosen; null otherwise
 * @param sparsity a sparse job's masks: one row per mask step, then one per epoch of gradual sparsity (empty for channel pruning)
 */
public record JobReport(
    String jobId, String name, String state, JobDetails.Evaluation baseline, JobDetails.Evaluation pruned, Comparison comparison,
    List<JobDetails.LayerChannels> channels, List<JobDetails.Epoch> epochs, List<LatencyRow> latency, List<JobDetails.Step> timeline,
    JobDetails.Failure failure, boolean detection, List<PointRow> points, DetectionFigures.GammaBins gamma,
    RankComputed.Sensitivity sensitivity, List<SparsityRow> sparsity) {

  /**
   * Pruned against baseline.
   *
   * @param top1Change pruned top-1 minus baseline top-1 (fractions); null for a detector
   * @param paramsRemaining pruned / baseline parameters
   * @param macsRemaining pruned / baseline MACs
   * @param sizeRemaining pruned / baseline bytes of the model files
   * @param map50Change pruned mAP@0.5 minus baseline's (fractions); null for a classifier
   * @param map5095Change pruned mAP@0.5:0.95 minus baseline's; null for a classifier
   */
  public record Comparison(Double top1Change, double paramsRemaining, double macsRemaining, double sizeRemaining, Double map50Change,
      Double map5095Change) {}

  /**
   * One row of the seed's table: a detector at one point of the job.
   *
   * @param point baseline, after sparsity training, after the cut, after fine-tuning (or final)
   * @param gflops YOLOv5's GFLOPs: 2 * MACs / 1e9 per picture
   * @param latency median milliseconds per device, runtime and batch size
   * @param prCurve50 mean precision at recall 0, 0.01, ..., 1 at IoU 0.5
   */
  public record PointRow(int step, String point, double map50, double map5095, long params, double gflops, List<ModelEvaluated.Latency> latency,
      List<Double> prCurve50) {}

  /**
   * One device, runtime and batch size: median latency before and after, and the speed-up. Either
   * side may be null.
   *
   * @param runtime {@code djl} or {@code onnxruntime} ({@link ModelEvaluated.Latency#runtime()})
   */
  public record LatencyRow(String device, String runtime, int batchSize, Double baselineMs, Double prunedMs, Double speedup) {}

  /**
   * The masks at one point of an unstructured or N:M job: after a mask step (each stage of static
   * stages), with the validation top-1 at the end of the tuning that followed it, or after an epoch
   * of gradual sparsity, with that epoch's.
   *
   * @param epoch the epoch of a gradual run (from 1); null for a mask step
   * @param sparsity the share of all Conv and Gemm weights that are zero (mask step) or masked (epoch)
   * @param accuracy validation top-1; null when no tuning followed the mask step before the next one
   */
  public record SparsityRow(int step, Integer epoch, double sparsity, Double accuracy) {}

  /** Rows by device, then runtime, then batch size. */
  private record RowKey(String device, String runtime, int batchSize) {}

  private static final Comparator<RowKey> ROW_ORDER =
      Comparator.comparing(RowKey::device).thenComparing(RowKey::runtime).thenComparingInt(RowKey::batchSize);

  public static JobReport of(JobDetails d) {
    JobDetails.Evaluation base = d.baseline();
    JobDetails.Evaluation pruned = "completed".equals(d.state()) ? d.lastEvaluation() : null;
    Comparison c = base != null && pruned != null ? new Comparison(change(pruned.top1(), base.top1()), ratio(pruned.params(), base.params()),
        ratio(pruned.macs(), base.macs()), ratio(pruned.sizeBytes(), base.sizeBytes()), change(pruned.map50(), base.map50()),
        change(pruned.map5095(), base.map5095())) : null;
    List<PointRow> points = d.evaluations().stream().filter(e -> e.detection() != null)
        .map(e -> new PointRow(e.step(), e.point(), e.map50(), e.map5095(), e.params(), 2.0 * e.macs() / 1e9, e.latency(),
            e.detection().prCurve50())).toList();
    return new JobReport(d.id(), d.name(), d.state(), base, pruned, c, d.channels(), d.epochs(), latency(base, pruned),
        d.timeline(), d.failure(), d.detects(), points, gamma(d.evaluations()), d.sensitivity(), sparsity(d));
  }

  /** Each mask step with the accuracy its tuning reached, then each gradual epoch. */
  private static List<SparsityRow> sparsity(JobDetails d) {
    List<JobDetails.Cut> masks = d.cuts().stream().filter(c -> c.sparsity() != null).toList();
    List<SparsityRow> out = new ArrayList<>();
    for (int i = 0; i < masks.size(); i++) {
      int step = masks.get(i).step();
      int next = i + 1 < masks.size() ? masks.get(i + 1).step() : Integer.MAX_VALUE;
      Double accuracy = d.epochs().stream().filter(e -> e.step() > step && e.step() < next && e.valAccuracy() != null)
          .reduce((a, b) -> b).map(JobDetails.Epoch::valAccuracy).orElse(null);
      out.add(new SparsityRow(step, null, masks.get(i).sparsity(), accuracy));
    }
    d.epochs().stream().filter(e -> e.sparsity() != null).forEach(e -> out.add(new SparsityRow(e.step(), e.epoch(), e.sparsity(), e.valAccuracy())));
    return List.copyOf(out);
  }

  private static Double change(Double after, Double before) {
    return after == null || before == null ? null : after - before;
  }

  /** The histogram before and after sparsity training if measured, else the first one measured. */
  private static DetectionFigures.GammaBins gamma(List<JobDetails.Evaluation> evaluations) {
    List<DetectionFigures.GammaBins> all = evaluations.stream().filter(e -> e.detection() != null && e.detection().gamma() != null)
        .map(e -> e.detection().gamma()).toList();
    return all.stream().filter(g -> g.series().size() > 1).findFirst().orElse(all.isEmpty() ? null : all.get(0));
  }

  /**
   * Latency before and after, by device, runtime and batch size. "Before" is the original as timed
   * in the final evaluation, in turns with the pruned model, when it was; else the baseline
   * evaluation's own figures.
   */
  private static List<LatencyRow> latency(JobDetails.Evaluation base, JobDetails.Evaluation pruned) {
    Map<RowKey, Double[]> rows = new TreeMap<>(ROW_ORDER);
    add(rows, pruned == null ? base == null ? List.of() : base.latency() : pruned.originalLatency(base), 0);
    add(rows, pruned == null ? List.of() : pruned.latency(), 1);
    List<LatencyRow> out = new ArrayList<>();
    rows.forEach((k, v) -> {
      Double speedup = v[0] != null && v[1] != null && v[1] > 0 ? v[0] / v[1] : null;
      out.add(new LatencyRow(k.device(), k.runtime(), k.batchSize(), v[0], v[1], speedup));
    });
    return out;
  }

  private static void add(Map<RowKey, Double[]> rows, List<ModelEvaluated.Latency> latency, int side) {
    for (ModelEvaluated.Latency l : latency) {
      rows.computeIfAbsent(new RowKey(l.device(), l.runtime(), l.batchSize()), k -> new Double[2])[side] = l.medianMs();
    }
  }

  private static double ratio(long a, long b) {
    return b == 0 ? 0 : (double) a / b;
  }
}
