package dev.topiary.gateway.report;

import static dev.topiary.gateway.report.ReportHtml.fmt;

import dev.topiary.gateway.view.JobDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The report's accuracy and loss over every epoch of every tuning step, in order, as one SVG: accuracy
 * on the left axis (0 to 100%), loss on the right (0 to a rounded maximum), epochs numbered along the
 * bottom across steps, a legend of the series drawn, and a dashed vertical mark at the first epoch
 * of each fine-tuning step that follows a cut. Every tick carries {@code data-value}, every legend
 * entry {@code data-series} and every mark {@code data-epoch}, so that tests read the chart's structure.
 */
final class EpochChart {
  static final int WIDTH = 720;
  static final int LEFT = 56;
  static final int RIGHT = WIDTH - 56;
  static final int TOP = 24;
  static final int HEIGHT = 240;
  static final int BOTTOM = TOP + HEIGHT;

  private EpochChart() {}

  /** One series: its CSS classes, legend label and value per epoch (NaN: none). */
  private record Series(String cls, String label, boolean loss, ToDoubleFunction<JobDetails.Epoch> value) {}

  static void render(StringBuilder h, List<JobDetails.Epoch> epochs, List<JobDetails.Step> timeline) {
    boolean detector = epochs.stream().anyMatch(e -> e.map50() != null);
    List<Series> all = List.of(
        new Series("acc", "train accuracy", false, e -> e.trainAccuracy() == null ? Double.NaN : e.trainAccuracy()),
        new Series("acc val", detector ? "validation mAP@0.5" : "validation accuracy", false,
            e -> e.valAccuracy() != null ? e.valAccuracy() : e.map50() != null ? e.map50() : Double.NaN),
        new Series("loss", "train loss", true, JobDetails.Epoch::trainLoss),
        new Series("loss val", "validation loss", true, e -> e.valLoss() == null ? Double.NaN : e.valLoss()));
    List<Series> drawn = all.stream().filter(s -> epochs.stream().anyMatch(e -> !Double.isNaN(s.value().applyAsDouble(e)))).toList();
    double maxLoss = epochs.stream().mapToDouble(e -> Math.max(e.trainLoss(), e.valLoss() == null ? 0 : e.valLoss())).max().orElse(1);
    double lossStep = niceStep(maxLoss > 0 ? maxLoss : 1, 6);
    double lossTop = lossStep * Math.max(1, Math.ceil(maxLoss / lossStep - 1e-9));
    h.append(fmt("<svg id=\"epochs\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"11\">", WIDTH, BOTTOM + 60));
    h.append(fmt("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#ccc\"/>", LEFT, TOP, RIGHT - LEFT, HEIGHT));
    accuracyAxis(h);
    lossAxis(h, lossStep, lossTop);
    epochAxis(h, epochs.size());
    for (int i : fineTuneStarts(epochs, timeline)) {
      double x = x(i, epochs.size());
      h.append(fmt("<g class=\"finetune-start\" data-epoch=\"%d\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
          + "<text x=\"%.1f\" y=\"%d\">fine-tuning</text></g>", i + 1, x, TOP, x, BOTTOM, x + 3, TOP + 12));
    }
    for (Series s : drawn) {
      line(h, epochs, s, s.loss() ? lossTop : 1);
    }
    legend(h, drawn, !fineTuneStarts(epochs, timeline).isEmpty());
    h.append("</svg>");
  }

  /**
   * Positions (in {@code epochs}) of the first epoch of each tuning step that a prune step precedes
   * since the previous tuning step: where fine-tuning after a cut starts.
   */
  static List<Integer> fineTuneStarts(List<JobDetails.Epoch> epochs, List<JobDetails.Step> timeline) {
    List<Integer> starts = new ArrayList<>();
    int previousStep = -1;
    for (int i = 0; i < epochs.size(); i++) {
      int step = epochs.get(i).step();
      if (step == previousStep) {
        continue;
      }
      int after = previousStep;
      if (timeline.stream().anyMatch(s -> "prune".equals(s.stage()) && s.index() > after && s.index() < step)) {
        starts.add(i);
      }
      previousStep = step;
    }
    return starts;
  }

  /** The smallest of 1, 2, 5 times a power of ten that splits {@code range} into at most {@code ticks} steps. */
  static double niceStep(double range, int ticks) {
    double raw = range / ticks;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * magnitude >= raw * (1 - 1e-9)) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  /** The x of epoch position {@code i} of {@code n}; a single epoch sits in the middle. */
  static double x(int i, int n) {
    return n == 1 ? (LEFT + RIGHT) / 2.0 : LEFT + (RIGHT - LEFT) * (double) i / (n - 1);
  }

  private static double y(double value, double top) {
    return BOTTOM - HEIGHT * value / top;
  }

  private static void accuracyAxis(StringBuilder h) {
    h.append("<g class=\"axis accuracy-axis\">");
    for (int v = 0; v <= 100; v += 20) {
      double y = y(v, 100);
      h.append(fmt("<g class=\"tick\" data-value=\"%d\"><line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d%%</text></g>", v, LEFT, y, RIGHT, y, LEFT - 4, y + 4, v));
    }
    h.append(fmt("<text class=\"label\" transform=\"translate(12,%d) rotate(-90)\" text-anchor=\"middle\">accuracy</text></g>", TOP + HEIGHT / 2));
  }

  private static void lossAxis(StringBuilder h, double step, double top) {
    h.append("<g class=\"axis loss-axis\">");
    int ticks = (int) Math.round(top / step);
    for (int t = 0; t <= ticks; t++) {
      double v = t * step;
      String text = label(v, step);
      h.append(fmt("<g class=\"tick\" data-value=\"%s\"><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
          + "<text x=\"%d\" y=\"%.1f\">%s</text></g>", text, RIGHT, y(v, top), RIGHT + 4, y(v, top), RIGHT + 6, y(v, top) + 4, text));
    }
    h.append(fmt("<text class=\"label\" transform=\"translate(%d,%d) rotate(90)\" text-anchor=\"middle\">loss</text></g>", WIDTH - 8, TOP + HEIGHT / 2));
  }

  /** Epochs 1..n across all tuning steps, a tick every 1, 2, 5, 10, ... epochs. */
  private static void epochAxis(StringBuilder h, int n) {
    h.append("<g class=\"axis epoch-axis\">");
    int step = n <= 1 ? 1 : (int) Math.max(1, niceStep(n - 1, 10));
    for (int e = 1; e <= n; e += step) {
      double x = x(e - 1, n);
      h.append(fmt("<g class=\"tick\" data-value=\"%d\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
          + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text></g>", e, x, BOTTOM, x, BOTTOM + 4, x, BOTTOM + 16, e));
    }
    h.append(fmt("<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch (every tuning step, in order)</text></g>",
        (LEFT + RIGHT) / 2, BOTTOM + 32));
  }

  /** "0.5", "1", "2.5": as many decimals as the step needs. */
  private static String label(double v, double step) {
    int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
    return fmt("%." + decimals + "f", v);
  }

  private static void legend(StringBuilder h, List<Series> drawn, boolean marks) {
    h.append(fmt("<g class=\"legend\" transform=\"translate(%d,%d)\">", LEFT, BOTTOM + 50));
    int x = 0;
    for (Series s : drawn) {
      h.append(fmt("<g class=\"entry\" data-series=\"%s\"><line class=\"%s\" x1=\"%d\" y1=\"-4\" x2=\"%d\" y2=\"-4\"/>"
          + "<text x=\"%d\" y=\"0\">%s</text></g>", s.cls(), s.cls(), x, x + 24, x + 28, s.label()));
      x += 40 + 6 * s.label().length();
    }
    if (marks) {
      h.append(fmt("<g class=\"entry\" data-series=\"finetune-start\"><g class=\"finetune-start\"><line x1=\"%d\" y1=\"-10\" x2=\"%d\" y2=\"2\"/></g>"
          + "<text x=\"%d\" y=\"0\">fine-tuning starts</text></g>", x + 12, x + 12, x + 18));
    }
    h.append("</g>");
  }

  private static void line(StringBuilder h, List<JobDetails.Epoch> epochs, Series s, double top) {
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i < epochs.size(); i++) {
      double v = s.value().applyAsDouble(epochs.get(i));
      if (!Double.isNaN(v)) {
        pts.append(fmt("%.1f,%.1f ", x(i, epochs.size()), y(v, top)));
      }
    }
    h.append("<polyline class=\"").append(s.cls()).append("\" points=\"").append(pts.toString().strip()).append("\"/>");
  }
}
