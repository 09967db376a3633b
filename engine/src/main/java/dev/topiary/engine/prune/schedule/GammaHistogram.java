package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The histogram of |gamma| over a model's BatchNorm channels: the picture a network-slimming user
 * looks at to choose the threshold (the seed's yolov5prune logs it every epoch of sparsity
 * training). {@link #svg} draws one or two histograms on shared bins (before and after sparsity
 * training) with the threshold a percent of channels gives. Immutable.
 */
public final class GammaHistogram {
  private final String label;
  private final float[] values;

  private GammaHistogram(String label, float[] values) {
    this.label = label;
    this.values = values;
  }

  /** |gamma| of every BatchNormalization channel of the model; {@code label} names it in the legend. */
  public static GammaHistogram of(Model model, String label) {
    List<float[]> parts = new ArrayList<>();
    int n = 0;
    for (Node node : model.graph().nodes()) {
      if (node.type() == OpType.BATCH_NORMALIZATION) {
        float[] g = model.weights().get(new ParamKey(node.name(), ParamRole.GAMMA)).data();
        parts.add(g);
        n += g.length;
      }
    }
    float[] v = new float[n];
    int at = 0;
    for (float[] g : parts) {
      for (float x : g) {
        v[at++] = Math.abs(x);
      }
    }
    return new GammaHistogram(label, v);
  }

  /** The legend's name of this histogram. */
  public String label() {
    return label;
  }

  public int channels() {
    return values.length;
  }

  /** The |gamma| below which a fraction {@code percent} of the channels lie (the global threshold). */
  public float threshold(double percent) {
    float[] sorted = values.clone();
    Arrays.sort(sorted);
    int cut = (int) Math.floor(percent * sorted.length);
    return cut < sorted.length ? sorted[cut] : Float.POSITIVE_INFINITY;
  }

  /** Counts per bin of {@code bins} equal bins over {@code [0, max]}; values at or above max fall in the last. */
  public int[] counts(int bins, float max) {
    int[] c = new int[bins];
    for (float v : values) {
      c[Math.min(bins - 1, (int) (v / max * bins))]++;
    }
    return c;
  }

  public float max() {
    float m = 0;
    for (float v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  /**
   * An SVG of the histograms (shared bins, counts on a square-root scale so that the long tail
   * stays visible), with a dashed line at {@code threshold} when it is finite and positive.
   */
  public static String svg(String title, List<GammaHistogram> histograms, float threshold) {
    float max = 1e-6f;
    for (GammaHistogram g : histograms) {
      max = Math.max(max, g.max());
    }
    max = niceCeiling(max);
    List<Binned> binned = new ArrayList<>();
    for (GammaHistogram g : histograms) {
      binned.add(new Binned(g.label, g.channels(), g.counts(BINS, max)));
    }
    return svg(title, binned, max, threshold);
  }

  /** Bins shared by histograms drawn together: their common upper bound, a 1-2-5 ceiling of the largest |gamma|. */
  public static float sharedMax(List<GammaHistogram> histograms) {
    float max = 1e-6f;
    for (GammaHistogram g : histograms) {
      max = Math.max(max, g.max());
    }
    return niceCeiling(max);
  }

  /** One histogram already binned: {@value #BINS} counts over {@code [0, max]} (as events carry it). */
  public record Binned(String label, int channels, int[] counts) {}

  /** Bins of {@link #svg}. */
  public static final int BINS = 60;

  /**
   * The SVG of histograms already binned over {@code [0, max]} (the same drawing as {@link
   * #svg(String, List, float)}), for a reader that holds counts rather than models.
   */
  public static String svg(String title, List<Binned> histograms, float max, float threshold) {
    int w = 760;
    int h = 380 + 16 * histograms.size();
    int left = 60;
    int right = 20;
    int top = 34 + 16 * histograms.size(); // the legend sits above the plot, out of the bars' and threshold's way
    int bottom = 50;
    int peak = 1;
    List<int[]> counts = new ArrayList<>();
    int bins = BINS;
    for (Binned g : histograms) {
      int[] c = g.counts();
      bins = c.length;
      counts.add(c);
      for (int v : c) {
        peak = Math.max(peak, v);
      }
    }
    double pw = w - left - right;
    double ph = h - top - bottom;
    String[] colours = {"#888888", "#d62728", "#1f77b4"};
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">%s</text>%n", left, escape(title)));
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#333\"/>%n", left, top, pw, ph));
    for (int i = 0; i <= 5; i++) {
      double x = left + pw * i / 5;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>%n", x, top + ph, x, top + ph + 4));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.3g</text>%n", x, top + ph + 18, max * i / 5.0));
      double count = peak * Math.pow(i / 5.0, 2);
      double y = top + ph - ph * i / 5;
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n", left - 6, y + 4, count));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">|gamma| of BatchNorm channels</text>%n", left + pw / 2, h - 10));
    sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.0f\" transform=\"rotate(-90 14 %.0f)\" text-anchor=\"middle\">channels (square-root scale)</text>%n", top + ph / 2, top + ph / 2));
    double bw = pw / bins;
    for (int k = 0; k < counts.size(); k++) {
      int[] c = counts.get(k);
      String colour = colours[k % colours.length];
      for (int b = 0; b < bins; b++) {
        if (c[b] == 0) {
          continue;
        }
        double bh = ph * Math.sqrt((double) c[b] / peak);
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.55\"/>%n",
            left + b * bw, top + ph - bh, Math.max(1, bw - 1), bh, colour));
      }
      Binned g = histograms.get(k);
      sb.append(String.format(Locale.ROOT, "<rect x=\"%.0f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%.0f\" y=\"%d\">%s (%d channels)</text>%n",
          (double) left, 28 + 16 * k, colour, left + 15.0, 37 + 16 * k, escape(g.label()), g.channels()));
    }
    if (threshold > 0 && Float.isFinite(threshold) && threshold <= max) {
      double x = left + pw * threshold / max;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#2ca02c\" stroke-dasharray=\"5,3\" stroke-width=\"1.5\"/>%n", x, top, x, top + ph));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#2ca02c\">threshold %.4g</text>%n", x + 4, top + 12, threshold));
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  /** 1, 1.2, 1.5, 2, 2.5 or 5 times a power of ten, at least {@code v}: a tight axis, since trained |gamma| crowd near 1. */
  static float niceCeiling(float v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return (float) (m * p);
      }
    }
    return (float) (10 * p);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
