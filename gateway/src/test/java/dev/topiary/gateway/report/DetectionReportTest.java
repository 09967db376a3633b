package dev.topiary.gateway.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.view.JobDetails;
import dev.topiary.pipeline.event.DetectionFigures;
import dev.topiary.pipeline.event.ModelEvaluated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A detection job's report: the seed's table at the four points, the PR curve and the |gamma| histogram. */
class DetectionReportTest {
  private static DetectionFigures figures(double map50, double map5095, DetectionFigures.GammaBins gamma) {
    List<Double> curve = new ArrayList<>(Collections.nCopies(DetectionFigures.PR_POINTS, map50));
    return new DetectionFigures(0.7, 0.6, map50, map5095, List.of(new DetectionFigures.ClassAp("T-shirt/top", 5, map50, map5095)), curve, gamma);
  }

  private static JobDetails.Evaluation point(int step, String point, double map50, long macs, DetectionFigures.GammaBins gamma) {
    return point(step, point, map50, macs, gamma, null);
  }

  private static JobDetails.Evaluation point(int step, String point, double map50, long macs, DetectionFigures.GammaBins gamma,
      List<ModelEvaluated.Latency> original) {
    DetectionFigures d = figures(map50, map50 / 2, gamma);
    return new JobDetails.Evaluation(step, point, null, null, null, d.map50(), d.map5095(), macs / 10, macs, 1000, 900,
        List.of(new ModelEvaluated.Latency("cpu", "djl", 1, macs / 1e6, macs / 1e6), new ModelEvaluated.Latency("cpu", "onnxruntime", 32, 9.5, 10)),
        d, original);
  }

  static JobDetails details() {
    return details(null);
  }

  /** The four points; the last with {@code original} as the original timed beside it. */
  static JobDetails details(List<ModelEvaluated.Latency> original) {
    DetectionFigures.GammaBins beforeAfter = new DetectionFigures.GammaBins(2.0, 0.4, List.of(
        new DetectionFigures.GammaBins.Series("before sparsity training", 4, List.of(0, 1, 3)),
        new DetectionFigures.GammaBins.Series("after sparsity training", 4, List.of(3, 1, 0))));
    List<JobDetails.Evaluation> evals = List.of(point(2, "baseline", 0.50, 4_000_000_000L, null), point(4, "after sparsity training", 0.48,
        4_000_000_000L, beforeAfter), point(6, "after the cut", 0.30, 2_000_000_000L, null), point(8, "after fine-tuning", 0.49, 2_000_000_000L, null, original));
    List<JobDetails.Epoch> epochs = List.of(new JobDetails.Epoch(1, 1, 1, 0.3, null, null, null, 0.01, null, 0.1, 0.15, 0.05, 0.2, 0.1));
    return new JobDetails("det-1", "slimming-yolov5", "acme", "completed", 8, 8, null, Instant.EPOCH, Instant.EPOCH, List.of(), epochs,
        List.of(), List.of(), evals, null, null);
  }

  @Test
  void comparesMapAndBuildsTheSeedsTable() {
    JobReport r = JobReport.of(details());
    assertTrue(r.detection());
    assertNull(r.comparison().top1Change());
    assertEquals(-0.01, r.comparison().map50Change(), 1e-12);
    assertEquals(0.5, r.comparison().macsRemaining(), 1e-12);
    assertEquals(List.of("baseline", "after sparsity training", "after the cut", "after fine-tuning"),
        r.points().stream().map(JobReport.PointRow::point).toList());
    assertEquals(8.0, r.points().get(0).gflops(), 1e-9, "YOLOv5's GFLOPs: 2 * MACs / 1e9");
    assertEquals(2, r.gamma().series().size(), "the histogram before and after sparsity training");
  }

  @Test
  void speedUpSetsThePrunedModelAgainstTheOriginalTimedBesideItWhenItWas() {
    List<JobReport.LatencyRow> apart = JobReport.of(details()).latency();
    assertEquals(2.0, apart.get(0).speedup(), 1e-12, "the baseline step's 4000 ms against 2000 ms");
    List<JobReport.LatencyRow> turns = JobReport.of(details(List.of(new ModelEvaluated.Latency("cpu", "djl", 1, 3000, 3100),
        new ModelEvaluated.Latency("cpu", "onnxruntime", 32, 12, 13)))).latency();
    assertEquals(3000.0, turns.get(0).baselineMs(), 1e-12, "the original as the final evaluation timed it");
    assertEquals(1.5, turns.get(0).speedup(), 1e-12);
    assertEquals(12 / 9.5, turns.get(1).speedup(), 1e-12);
    assertFalse(ReportHtml.render(JobReport.of(details())).contains("timed in turns"));
    assertTrue(ReportHtml.render(JobReport.of(details(List.of(new ModelEvaluated.Latency("cpu", "djl", 1, 3000, 3100),
        new ModelEvaluated.Latency("cpu", "onnxruntime", 32, 12, 13))))).contains("timed in turns"));
  }

  @Test
  void drawsTheTablePrCurveAndGammaHistogram() {
    String html = ReportHtml.render(JobReport.of(details()));
    assertTrue(html.contains("<table id=\"points\">"), html);
    assertTrue(html.contains("<td>after the cut</td><td>6</td><td>0.300</td><td>0.150</td><td>200,000,000</td><td>4.000</td><td>2000.00</td>"
        + "<td>9.50</td>"), html);
    assertTrue(html.contains("<th>ONNX Runtime cpu b=32 ms</th>"), html);
    assertTrue(html.contains("<svg id=\"pr-curve\""), html);
    assertEquals(4, html.split("class=\"pr\"", -1).length - 1, "one PR curve per point");
    assertTrue(html.contains("<div id=\"gamma-histogram\"><svg"), html);
    assertTrue(html.contains("before sparsity training (4 channels)"), html);
    assertTrue(html.contains("threshold 0.4"), html);
    assertTrue(html.contains("<td>mAP@0.5</td><td>50.00%</td><td>49.00%</td><td>-1.00 pt</td>"), html);
    assertFalse(html.contains("top-1 accuracy"), "a detector has no top-1");
  }
}
