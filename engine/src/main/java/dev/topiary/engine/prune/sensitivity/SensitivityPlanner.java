package dev.topiary.engine.prune.sensitivity;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.prune.select.Scores;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses per-group ratios from sensitivity curves, as PaddleSlim's {@code get_ratios_by_loss}:
 * for an accuracy-drop threshold t, each group takes the largest ratio whose measured drop stays
 * within t (interpolated); the smallest t that reaches the FLOPs target is found by bisection,
 * within the drop budget; the ratios are then scaled down together as far as the target allows (flat
 * curves would otherwise all jump to their largest ratio). Drops of separate groups are assumed to
 * add up roughly, which is why the plan is followed by fine-tuning.
 */
public final class SensitivityPlanner {
  private SensitivityPlanner() {}

  /**
   * @param deps the dependency graph of the analysed model
   * @param targetReduction fraction of MACs to remove, in (0, 1)
   * @param maxDrop largest per-group accuracy drop allowed (fraction, e.g. 0.02)
   * @throws InvalidPruningConfigException when the target is out of reach within the budget,
   *     saying what the budget reaches
   */
  public static PruningPlan plan(SensitivityResult result, DependencyGraph deps, Map<Integer, float[]> scores,
      double targetReduction, double maxDrop) {
    if (!(targetReduction > 0 && targetReduction < 1)) {
      throw new InvalidPruningConfigException("targetFlopsReduction must be in (0, 1), got " + targetReduction);
    }
    if (!(maxDrop >= 0)) {
      throw new InvalidPruningConfigException("maxAccuracyDrop must be >= 0, got " + maxDrop);
    }
    PruningPlan atBudget = planAt(result, deps, scores, maxDrop, 1);
    if (atBudget.macsReduction() < targetReduction) {
      throw new InvalidPruningConfigException(String.format(Locale.ROOT,
          "a FLOPs reduction of %.1f%% is out of reach within an accuracy drop of %.2f points per group: that budget reaches %.1f%%",
          100 * targetReduction, 100 * maxDrop, 100 * atBudget.macsReduction()));
    }
    double lo = 0;
    double hi = maxDrop;
    for (int i = 0; i < 40; i++) {
      double mid = (lo + hi) / 2;
      if (planAt(result, deps, scores, mid, 1).macsReduction() >= targetReduction) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    // flat curves let many ratios share one threshold: scale them down to just reach the target
    double sLo = 0;
    double sHi = 1;
    PruningPlan best = planAt(result, deps, scores, hi, 1);
    for (int i = 0; i < 30; i++) {
      double mid = (sLo + sHi) / 2;
      PruningPlan p = planAt(result, deps, scores, hi, mid);
      if (p.macsReduction() >= targetReduction) {
        best = p;
        sHi = mid;
      } else {
        sLo = mid;
      }
    }
    return best;
  }

  private static PruningPlan planAt(SensitivityResult result, DependencyGraph deps, Map<Integer, float[]> scores, double threshold, double scale) {
    Map<Integer, int[]> removed = new HashMap<>();
    for (SensitivityCurve c : result.curves()) {
      ChannelGroup g = deps.groups().get(c.groupId());
      int k = Math.min(g.units() - 1, (int) Math.floor(scale * c.ratioWithin(threshold) * g.units() + 1e-9));
      removed.put(g.id(), k > 0 ? Scores.lowest(scores.get(g.id()), k) : new int[0]);
    }
    return PruningPlan.of(deps, removed, String.format(Locale.ROOT, "sensitivity: per-group drop within %.3f points", 100 * threshold));
  }
}
