package dev.topiary.engine.prune.sensitivity;

import java.util.List;
import java.util.Locale;

/** The curves of a sensitivity analysis, with a text table and an SVG plot. */
public record SensitivityResult(String model, double baseline, List<SensitivityCurve> curves) {
  private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

  public SensitivityResult {
    curves = List.copyOf(curves);
  }

  /** Accuracy drop per group (rows) and ratio (columns), in percentage points. */
  public String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Sensitivity of %s (baseline top-1 %.2f%%): accuracy drop in points when one group is pruned alone%n", model, 100 * baseline));
    int width = curves.stream().mapToInt(c -> c.groupName().length()).max().orElse(5);
    sb.append(String.format(Locale.ROOT, "%-" + width + "s %6s", "group", "units"));
    if (!curves.isEmpty()) {
      for (SensitivityCurve.Point p : curves.get(0).points()) {
        sb.append(String.format(Locale.ROOT, " %7.2f", p.ratio()));
      }
    }
    sb.append('\n');
    for (SensitivityCurve c : curves) {
      sb.append(String.format(Locale.ROOT, "%-" + width + "s %6d", c.groupName(), c.units()));
      for (SensitivityCurve.Point p : c.points()) {
        sb.append(String.format(Locale.ROOT, " %7.2f", 100 * p.drop()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** A line plot of accuracy drop against ratio, one line per group. */
  public String svg() {
    int w = 760;
    int h = 420;
    int left = 60;
    int right = 200;
    int top = 30;
    int bottom = 50;
    double maxDrop = 0.01;
    for (SensitivityCurve c : curves) {
      for (SensitivityCurve.Point p : c.points()) {
        maxDrop = Math.max(maxDrop, p.drop());
      }
    }
    double pw = w - left - right;
    double ph = h - top - bottom;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">Sensitivity of %s (baseline %.2f%%)</text>%n", left, escape(model), 100 * baseline));
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#333\"/>%n", left, top, pw, ph));
    for (int i = 0; i <= 5; i++) {
      double v = maxDrop * i / 5;
      double y = top + ph - ph * i / 5;
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>%n", left - 6, y + 4, 100 * v));
      double x = left + pw * i / 5;
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>%n", x, top + (int) ph + 16, (double) i / 5));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">pruning ratio</text>%n", left + pw / 2, h - 10));
    sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.0f\" transform=\"rotate(-90 14 %.0f)\" text-anchor=\"middle\">accuracy drop (points)</text>%n", top + ph / 2, top + ph / 2));
    for (int i = 0; i < curves.size(); i++) {
      SensitivityCurve c = curves.get(i);
      String colour = COLOURS[i % COLOURS.length];
      StringBuilder pts = new StringBuilder(String.format(Locale.ROOT, "%.1f,%.1f", (double) left, top + ph));
      for (SensitivityCurve.Point p : c.points()) {
        pts.append(String.format(Locale.ROOT, " %.1f,%.1f", left + pw * p.ratio(), top + ph - ph * Math.max(0, p.drop()) / maxDrop));
      }
      sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n", colour, pts));
      if (i < 24) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", w - right + 10, top + 14 * i + 10, colour, escape(c.groupName())));
      }
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
