package dev.topiary.gateway.report;

import static dev.topiary.gateway.report.ReportHtml.esc;
import static dev.topiary.gateway.report.ReportHtml.fmt;

import dev.topiary.engine.prune.schedule.GammaHistogram;
import dev.topiary.pipeline.event.DetectionFigures;
import dev.topiary.pipeline.event.ModelEvaluated;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A detection job's part of the HTML report: the seed's table (mAP@0.5, mAP@0.5:0.95, parameters,
 * GFLOPs and latency per device, runtime and batch size at each evaluated point), the precision-recall
 * curve at IoU 0.5 of each point (SVG), and network slimming's |gamma| histogram before and after
 * sparsity training (SVG, drawn by the engine's {@link GammaHistogram}).
 */
final class DetectionHtml {
  private static final int WIDTH = 720;
  private static final String[] COLOURS = {"#888888", "#d62728", "#ff7f0e", "#2e8b57", "#1f77b4"};

  private DetectionHtml() {}

  static void render(StringBuilder h, JobReport r) {
    table(h, r.points());
    prCurves(h, r);
    if (r.gamma() != null) {
      gamma(h, r.gamma());
    }
  }

  /** Latency columns: every (device, runtime, batch size) some point was timed at, in first-seen order. */
  private record Column(String device, String runtime, int batchSize) {}

  private static void table(StringBuilder h, List<JobReport.PointRow> rows) {
    Set<Column> columns = new LinkedHashSet<>();
    rows.forEach(p -> p.latency().forEach(l -> columns.add(new Column(l.device(), l.runtime(), l.batchSize()))));
    h.append("<h2>Detection: the seed's table</h2><table id=\"points\"><tr><th>point</th><th>step</th><th>mAP@0.5</th>"
        + "<th>mAP@0.5:0.95</th><th>parameters</th><th>GFLOPs</th>");
    for (Column c : columns) {
      h.append("<th>").append(esc(ModelEvaluated.Latency.displayName(c.runtime()))).append(' ').append(esc(c.device()))
          .append(" b=").append(c.batchSize()).append(" ms</th>");
    }
    h.append("</tr>");
    for (JobReport.PointRow p : rows) {
      h.append("<tr><td>").append(esc(p.point())).append("</td><td>").append(p.step()).append("</td><td>").append(fmt("%.3f", p.map50()))
          .append("</td><td>").append(fmt("%.3f", p.map5095())).append("</td><td>").append(fmt("%,d", p.params())).append("</td><td>")
          .append(fmt("%.3f", p.gflops())).append("</td>");
      for (Column c : columns) {
        Double ms = p.latency().stream().filter(l -> l.device().equals(c.device()) && l.runtime().equals(c.runtime()) && l.batchSize() == c.batchSize())
            .map(ModelEvaluated.Latency::medianMs).findFirst().orElse(null);
        h.append("<td>").append(ReportHtml.opt(ms, "%.2f")).append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table>");
  }

  /** Mean precision over the classes against recall at IoU 0.5, one line per evaluated point. */
  private static void prCurves(StringBuilder h, JobReport r) {
    h.append("<h2>Precision-recall at IoU 0.5</h2>");
    int height = 300;
    int left = 50;
    int plot = WIDTH - left - 200;
    h.append("<svg id=\"pr-curve\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height + 40)
        .append("\" font-size=\"11\">").append(fmt("<rect x=\"%d\" y=\"10\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#ccc\"/>", left, plot, height));
    int k = 0;
    for (JobReport.PointRow p : r.points()) {
      String colour = COLOURS[k % COLOURS.length];
      StringBuilder pts = new StringBuilder();
      List<Double> curve = p.prCurve50();
      for (int i = 0; i < curve.size(); i++) {
        pts.append(fmt("%.1f,%.1f ", left + plot * i / (double) (curve.size() - 1), 10 + height - height * curve.get(i)));
      }
      h.append("<polyline class=\"pr\" fill=\"none\" stroke=\"").append(colour).append("\" points=\"").append(pts.toString().strip())
          .append("\"><title>").append(esc(p.point())).append("</title></polyline>")
          .append(fmt("<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s (mAP@0.5 %.3f)</text>",
              left + plot + 10, 14 + 16 * k, colour, left + plot + 24, 23 + 16 * k, esc(p.point()), p.map50()));
      k++;
    }
    h.append(fmt("<text x=\"%d\" y=\"%d\">recall 0 to 1 (COCO's 101 points); precision 0 to 1, mean over classes</text></svg>", left, height + 30));
  }

  private static void gamma(StringBuilder h, DetectionFigures.GammaBins g) {
    List<GammaHistogram.Binned> binned = g.series().stream()
        .map(s -> new GammaHistogram.Binned(s.label(), s.channels(), s.counts().stream().mapToInt(Integer::intValue).toArray())).toList();
    h.append("<h2>BatchNorm |gamma| (network slimming)</h2><div id=\"gamma-histogram\">")
        .append(GammaHistogram.svg("|gamma| of the BatchNorm channels", binned, (float) g.max(), g.threshold() == null ? 0f : g.threshold().floatValue()))
        .append("</div>");
  }
}
