package dev.topiary.gateway.report;

import static dev.topiary.gateway.report.ReportHtml.esc;
import static dev.topiary.gateway.report.ReportHtml.fmt;

import dev.topiary.engine.prune.sensitivity.SensitivityFile;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.store.ArtifactNotFoundException;
import dev.topiary.pipeline.store.ArtifactStore;

/**
 * A sensitivity job's part of the HTML report: every group's accuracy drop against the ratio it
 * was pruned to alone, drawn by the engine ({@code SensitivityResult.svg}) from the curves the
 * analysis step stored and its event cites, and the cut chosen from them. The plot is drawn here
 * from the curves, not copied from the stored SVG, so the page holds only markup this code wrote.
 */
public final class SensitivityHtml {
  private SensitivityHtml() {}

  /**
   * The plot of the analysis's stored curves; null when they are gone from the store (the job's
   * artifacts were deleted), so that the report still renders.
   */
  public static String plot(ArtifactStore store, RankComputed.Sensitivity s) {
    if (s == null) {
      return null;
    }
    try {
      return SensitivityFile.fromBytes(store.getBytes(s.curves()), s.curves().key()).result().svg();
    } catch (ArtifactNotFoundException e) {
      return null;
    }
  }

  static void render(StringBuilder h, RankComputed.Sensitivity s, String plot) {
    h.append("<h2>Sensitivity analysis</h2><p id=\"sensitivity-choice\">")
        .append(fmt("Each group pruned alone, without fine-tuning, on the probe images (baseline top-1 %.2f%%); the cut chosen from the"
            + " curves removes %.1f%% of the FLOPs and cuts %d groups.", 100 * s.baselineTop1(), 100 * s.macsReduction(), s.groupsCut()))
        .append(" Curves: <code>").append(esc(s.curves().key())).append("</code>, plot: <code>").append(esc(s.plot().key()))
        .append("</code>.</p>");
    if (plot == null) {
      h.append("<p>The curves are no longer stored.</p>");
    } else {
      h.append("<div id=\"sensitivity-plot\">").append(plot).append("</div>");
    }
  }
}
