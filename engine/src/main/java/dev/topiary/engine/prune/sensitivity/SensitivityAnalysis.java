package dev.topiary.engine.prune.sensitivity;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.Surgery;
import dev.topiary.engine.prune.select.Scores;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Sensitivity analysis (as in NNI's and PaddleSlim's): each prunable group is pruned alone at each
 * ratio, its least important units first, without fine-tuning, and the model's accuracy on a
 * validation subset is measured. The result shows which layers tolerate pruning.
 */
public final class SensitivityAnalysis {
  /** The ratios 0.1, 0.2, ..., 0.9. */
  public static final double[] DEFAULT_RATIOS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

  private SensitivityAnalysis() {}

  /**
   * @param scores importance per unit, by group id (higher is more important)
   * @param accuracy top-1 of a model on the validation subset
   * @param progress called after each group; may be null
   */
  public static SensitivityResult run(Model model, Map<Integer, float[]> scores, double[] ratios,
      ToDoubleFunction<Model> accuracy, Consumer<SensitivityCurve> progress) {
    for (int i = 0; i < ratios.length; i++) {
      if (!(ratios[i] > 0 && ratios[i] < 1) || (i > 0 && ratios[i] <= ratios[i - 1])) {
        throw new InvalidPruningConfigException("sensitivity ratios must ascend strictly within (0, 1), got ratio " + ratios[i] + " at position " + i);
      }
    }
    DependencyGraph deps = DependencyGraph.of(model.graph());
    double baseline = accuracy.applyAsDouble(model);
    long macs = model.graph().macs();
    List<SensitivityCurve> curves = new ArrayList<>();
    for (ChannelGroup g : deps.prunableGroups()) {
      float[] s = scores.get(g.id());
      if (s == null || s.length != g.units()) {
        throw new InvalidPruningConfigException("group #" + g.id() + " (" + g.name() + "): expected " + g.units() + " scores, got " + (s == null ? "none" : s.length));
      }
      List<SensitivityCurve.Point> points = new ArrayList<>();
      for (double r : ratios) {
        int k = Math.min(g.units() - 1, (int) Math.floor(r * g.units() + 1e-9));
        if (k == 0) {
          points.add(new SensitivityCurve.Point(r, 0, baseline, 0, 0));
          continue;
        }
        Model pruned = Surgery.prune(model, deps, g, Scores.lowest(s, k), "sensitivity " + g.name() + " " + r);
        double acc = accuracy.applyAsDouble(pruned);
        points.add(new SensitivityCurve.Point(r, k, acc, baseline - acc, 1 - (double) pruned.graph().macs() / macs));
      }
      SensitivityCurve curve = new SensitivityCurve(g.id(), g.name(), g.units(), points);
      curves.add(curve);
      if (progress != null) {
        progress.accept(curve);
      }
    }
    return new SensitivityResult(model.graph().name(), baseline, curves);
  }
}
