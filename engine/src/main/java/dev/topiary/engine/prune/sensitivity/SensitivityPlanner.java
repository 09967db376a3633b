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
 * within the drop budget. Drops of separate groups are assumed to add up roughly, which is why the
 * plan is followed by fine-tuning.
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
    PruningPlan atBudget = planAt(result, deps, scores, maxDrop);
    if (atBudget.macsReduction() < targetReduction) {
      throw new InvalidPruningConfigException(String.format(Locale.ROOT,
          "a FLOPs reduction of %.1f%% is out of reach within an accuracy drop of %.2f points per group: that budget reaches %.1f%%",
          100 * targetReduction, 100 * maxDrop, 100 * atBudget.macsReduction()));
    }
    double lo = 0;
    double hi = maxDrop;
    PruningPlan best = atBudget;
    for (int i = 0; i < 40; i++) {
      double mid = (lo + hi) / 2;
      PruningPlan p = planAt(result, deps, scores, mid);
      if (p.macsReduction() >= targetReduction) {
        best = p;
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return best;
  }

  private static PruningPlan planAt(SensitivityResult result, DependencyGraph deps, Map<Integer, float[]> scores, double threshold) {
    Map<Integer, int[]> removed = new HashMap<>();
    for (SensitivityCurve c : result.curves()) {
      ChannelGroup g = deps.groups().get(c.groupId());
      int k = Math.min(g.units() - 1, (int) Math.floor(c.ratioWithin(threshold) * g.units() + 1e-9));
      removed.put(g.id(), k > 0 ? Scores.lowest(scores.get(g.id()), k) : new int[0]);
    }
    return PruningPlan.of(deps, removed, String.format(Locale.ROOT, "sensitivity: per-group drop within %.3f points", 100 * threshold));
  }
}
