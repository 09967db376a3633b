package dev.topiary.gateway.report;

import dev.topiary.gateway.view.JobDetails;
import dev.topiary.pipeline.event.ModelEvaluated;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A {@link JobReport} as one self-contained HTML page: the before/after table (accuracy,
 * parameters, FLOPs, size), latency per batch size and runtime (a table, and SVG bars with a
 * series per runtime), channels per layer before and after (SVG bars), accuracy and loss per epoch
 * ({@link EpochChart}: SVG lines on two axes with ticks, a legend and a mark where fine-tuning starts), and the timeline; for a
 * sparse job the masks' sparsity and accuracy per stage or epoch ({@link SparsityHtml}) in place of the channels; for a
 * detection job also the seed's table, the PR curve and the |gamma| histogram ({@link DetectionHtml}); for a sensitivity job
 * the analysis's plot ({@link SensitivityHtml}). No script, no external resource; every user-given text is escaped.
 */
public final class ReportHtml {
  private static final int WIDTH = 720;

  private ReportHtml() {}

  public static String render(JobReport r) {
    return render(r, null);
  }

  /**
   * The page, with a sensitivity job's plot ({@link SensitivityHtml}).
   *
   * @param sensitivityPlot the analysis's curves drawn as SVG, from its stored curves; null to say it is not shown
   */
  public static String render(JobReport r, String sensitivityPlot) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Topiary report: ").append(esc(r.name()))
        .append("</title><style>body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:1em 0}"
            + "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}th:first-child,td:first-child{text-align:left}"
            + ".before{fill:#b0b7c3}.after{fill:#2e8b57}.after.onnxruntime{fill:#2c6fbb}.acc{stroke:#2e8b57;fill:none}.loss{stroke:#c0392b;fill:none}"
            + ".val{stroke-dasharray:4 3}.acc,.loss{stroke-width:1.5}.tick line{stroke:#999}.tick line.grid{stroke:#eee}.label{fill:#444}"
            + ".finetune-start line{stroke:#555;stroke-dasharray:2 2}.finetune-start text{fill:#555}</style></head><body>");
    h.append("<h1>").append(esc(r.name())).append("</h1><p>Job <code>").append(esc(r.jobId())).append("</code>: ")
        .append(esc(r.state())).append("</p>");
    if (r.failure() != null) {
      h.append("<p><strong>Failed</strong> at step ").append(r.failure().step()).append(" (").append(esc(r.failure().stage()))
          .append("): ").append(esc(r.failure().errorType())).append(": ").append(esc(r.failure().message())).append("</p>");
    }
    summary(h, r);
    if (r.detection()) {
      DetectionHtml.render(h, r);
    }
    if (r.sensitivity() != null) {
      SensitivityHtml.render(h, r.sensitivity(), sensitivityPlot);
    }
    latency(h, r);
    if (r.sparsity().isEmpty()) {
      channels(h, r.channels());
    } else {
      SparsityHtml.render(h, r.sparsity());
    }
    epochs(h, r.epochs(), r.timeline());
    timeline(h, r.timeline());
    return h.append("</body></html>").toString();
  }

  private static void summary(StringBuilder h, JobReport r) {
    h.append("<h2>Original against pruned</h2><table id=\"summary\"><tr><th>metric</th><th>original</th><th>pruned</th><th>change</th></tr>");
    JobDetails.Evaluation b = r.baseline();
    JobDetails.Evaluation p = r.pruned();
    if (r.detection()) {
      points(h, "mAP@0.5", b, p, e -> e.map50() * 100);
      points(h, "mAP@0.5:0.95", b, p, e -> e.map5095() * 100);
    } else {
      points(h, "top-1 accuracy", b, p, e -> e.top1() * 100);
      points(h, "top-5 accuracy", b, p, e -> e.top5() * 100);
      row(h, "loss", b, p, JobDetails.Evaluation::loss, "%.4f");
    }
    row(h, "parameters", b, p, e -> e.params(), "%,.0f");
    row(h, "FLOPs (MACs per image)", b, p, e -> e.macs(), "%,.0f");
    row(h, "size (bytes)", b, p, e -> e.sizeBytes(), "%,.0f");
    row(h, "zipped size (bytes)", b, p, e -> e.zippedBytes(), "%,.0f");
    h.append("</table>");
  }

  /** An accuracy row: the change in percentage points, not relative. */
  private static void points(StringBuilder h, String label, JobDetails.Evaluation b, JobDetails.Evaluation p,
      ToDoubleFunction<JobDetails.Evaluation> f) {
    h.append("<tr><td>").append(label).append("</td><td>").append(b == null ? "-" : fmt("%.2f%%", f.applyAsDouble(b)))
        .append("</td><td>").append(p == null ? "-" : fmt("%.2f%%", f.applyAsDouble(p))).append("</td><td>")
        .append(b == null || p == null ? "-" : fmt("%+.2f pt", f.applyAsDouble(p) - f.applyAsDouble(b))).append("</td></tr>");
  }

  private static void row(StringBuilder h, String label, JobDetails.Evaluation b, JobDetails.Evaluation p,
      ToDoubleFunction<JobDetails.Evaluation> f, String fmt) {
    h.append("<tr><td>").append(label).append("</td><td>").append(b == null ? "-" : fmt(fmt, f.applyAsDouble(b)))
        .append("</td><td>").append(p == null ? "-" : fmt(fmt, f.applyAsDouble(p))).append("</td><td>");
    if (b != null && p != null && f.applyAsDouble(b) != 0) {
      h.append(fmt("%+.1f%%", (f.applyAsDouble(p) / f.applyAsDouble(b) - 1) * 100));
    } else {
      h.append('-');
    }
    h.append("</td></tr>");
  }

  private static void latency(StringBuilder h, JobReport r) {
    h.append("<h2>Latency per batch size (median)</h2><table id=\"latency\"><tr><th>device</th><th>runtime</th><th>batch</th>"
        + "<th>original ms</th><th>pruned ms</th><th>speed-up</th></tr>");
    for (JobReport.LatencyRow l : r.latency()) {
      h.append("<tr><td>").append(esc(l.device())).append("</td><td>").append(esc(ModelEvaluated.Latency.displayName(l.runtime())))
          .append("</td><td>").append(l.batchSize()).append("</td><td>").append(opt(l.baselineMs(), "%.3f")).append("</td><td>")
          .append(opt(l.prunedMs(), "%.3f")).append("</td><td>").append(opt(l.speedup(), "%.2fx")).append("</td></tr>");
    }
    h.append("</table>");
    if (r.pruned() != null && r.pruned().baselineLatency() != null && !r.pruned().baselineLatency().isEmpty()) {
      h.append("<p id=\"latency-turns\">The original and the pruned model were timed in turns in the final evaluation,"
          + " so that both saw the same machine load.</p>");
    }
    latencyChart(h, r.latency());
  }

  /**
   * One series per runtime ({@code <g class="series" id="latency-<runtime>">}): for each device and
   * batch size a bar before (grey) over a bar after (the runtime's colour), on one scale per batch
   * size so that the runtimes compare at a glance.
   */
  private static void latencyChart(StringBuilder h, List<JobReport.LatencyRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    Map<String, List<JobReport.LatencyRow>> series = new LinkedHashMap<>();
    rows.forEach(l -> series.computeIfAbsent(l.runtime(), k -> new ArrayList<>()).add(l));
    Map<String, Double> maxPerBatch = new HashMap<>();
    rows.forEach(l -> maxPerBatch.merge(l.device() + "/" + l.batchSize(), Math.max(orZero(l.baselineMs()), orZero(l.prunedMs())), Math::max));
    int rowH = 16;
    int label = 200;
    int bars = WIDTH - label - 170; // room on the right for "25.15 -> 20.44 ms (1.23x)"
    h.append("<svg id=\"latency-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
        .append(rows.size() * rowH + series.size() * 4 + 20).append("\" font-size=\"11\">");
    int y = 0;
    for (Map.Entry<String, List<JobReport.LatencyRow>> s : series.entrySet()) {
      String name = ModelEvaluated.Latency.displayName(s.getKey());
      h.append("<g class=\"series\" id=\"latency-").append(esc(s.getKey())).append("\"><title>").append(esc(name)).append("</title>");
      for (JobReport.LatencyRow l : s.getValue()) {
        double max = maxPerBatch.get(l.device() + "/" + l.batchSize());
        double wb = max > 0 ? bars * orZero(l.baselineMs()) / max : 0;
        double wa = max > 0 ? bars * orZero(l.prunedMs()) / max : 0;
        h.append(fmt("<text x=\"0\" y=\"%d\">%s, %s b=%d</text>", y + 12, esc(name), esc(l.device()), l.batchSize()))
            .append(fmt("<rect class=\"before\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>original: %s ms</title></rect>",
                label, y + 1, wb, rowH - 2, opt(l.baselineMs(), "%.3f")))
            .append(fmt("<rect class=\"after %s\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>pruned: %s ms</title></rect>",
                esc(l.runtime()), label, y + 4, wa, rowH - 8, opt(l.prunedMs(), "%.3f")))
            .append(fmt("<text x=\"%.1f\" y=\"%d\">%s -&gt; %s ms (%s)</text>", label + Math.max(wb, wa) + 4, y + 12,
                opt(l.baselineMs(), "%.2f"), opt(l.prunedMs(), "%.2f"), opt(l.speedup(), "%.2fx")));
        y += rowH;
      }
      h.append("</g>");
      y += 4;
    }
    h.append(fmt("<text x=\"0\" y=\"%d\">original grey, pruned coloured by runtime; bars scaled per device and batch size</text></svg>", y + 12));
  }

  private static double orZero(Double v) {
    return v == null ? 0 : v;
  }

  /** Horizontal bars, one row per channel group: the width before (grey) under the width after (green). */
  private static void channels(StringBuilder h, List<JobDetails.LayerChannels> layers) {
    h.append("<h2>Channels per layer</h2>");
    if (layers.isEmpty()) {
      h.append("<p>No channel was cut yet.</p>");
      return;
    }
    int max = layers.stream().mapToInt(JobDetails.LayerChannels::before).max().orElse(1);
    int rowH = 16;
    int label = 180;
    h.append("<svg id=\"channels\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
        .append(layers.size() * rowH + 20).append("\" font-size=\"11\">");
    for (int i = 0; i < layers.size(); i++) {
      JobDetails.LayerChannels l = layers.get(i);
      int y = i * rowH;
      double wb = (WIDTH - label - 80) * (double) l.before() / max;
      double wa = (WIDTH - label - 80) * (double) l.after() / max;
      h.append("<text x=\"0\" y=\"").append(y + 12).append("\">").append(esc(l.group())).append("</text>")
          .append(fmt("<rect class=\"before\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>before: %d</title></rect>", label, y + 1,
              wb, rowH - 2, l.before()))
          .append(fmt("<rect class=\"after\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>after: %d</title></rect>", label, y + 4,
              wa, rowH - 8, l.after()))
          .append(fmt("<text x=\"%.1f\" y=\"%d\">%d / %d</text>", label + wb + 4, y + 12, l.after(), l.before()));
    }
    h.append("</svg>");
  }

  /** Accuracy and loss over every epoch of every tuning step ({@link EpochChart}). */
  private static void epochs(StringBuilder h, List<JobDetails.Epoch> epochs, List<JobDetails.Step> timeline) {
    h.append("<h2>Accuracy and loss per epoch</h2>");
    if (epochs.isEmpty()) {
      h.append("<p>No epoch yet.</p>");
      return;
    }
    EpochChart.render(h, epochs, timeline);
  }

  private static void timeline(StringBuilder h, List<JobDetails.Step> steps) {
    h.append("<h2>Timeline</h2><table id=\"timeline\"><tr><th>step</th><th>kind</th><th>stage</th><th>ended</th><th>seconds</th></tr>");
    for (JobDetails.Step s : steps) {
      h.append("<tr><td>").append(s.index()).append("</td><td>").append(esc(s.kind())).append("</td><td>").append(esc(s.stage()))
          .append("</td><td>").append(s.endedAt() == null ? "-" : s.endedAt()).append("</td><td>")
          .append(s.durationMs() == null ? "-" : fmt("%.1f", s.durationMs() / 1000.0)).append("</td></tr>");
    }
    h.append("</table>");
  }

  static String opt(Double v, String fmt) {
    return v == null ? "-" : fmt(fmt, v);
  }

  static String fmt(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }

  static String esc(String s) {
    if (s == null) {
      return "-";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }
}
