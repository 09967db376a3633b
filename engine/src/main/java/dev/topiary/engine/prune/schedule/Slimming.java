package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.train.BnSparsityHook;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.train.GradientHook;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.FitSettings;
import dev.topiary.engine.workflow.Fitter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Network slimming (Liu et al.; the YOLOv5 recipe): sparsity training adds {@code sr * sign(gamma)}
 * to every BatchNorm gamma gradient (optionally decaying as {@code sr * (1 - 0.9 * epoch /
 * epochs)}); then all channels whose |gamma| lies below the global threshold at {@code percent}
 * are removed, and the model is fine-tuned.
 *
 * <p>Coupled channels are handled through their groups rather than skipped: a unit's score is the
 * mean |gamma| over the group's BatchNorm nodes (for a residual group, every BN feeding the Add),
 * so a residual channel goes only when it is weak in all of them. Groups without BatchNorm are not
 * pruned. A percent that would empty a group is refused with the largest percent allowed.
 */
public record Slimming(FitSettings sparsityTraining, double sr, boolean decay, double percent, FitSettings finetune) implements PruningSchedule {
  public Slimming {
    if (!(percent > 0 && percent < 1)) {
      throw new InvalidPruningConfigException("slimming percent must be in (0, 1), got " + percent);
    }
    if (!(sr >= 0)) {
      throw new InvalidPruningConfigException("slimming sr must be >= 0, got " + sr);
    }
  }

  @Override
  public ScheduleResult run(Model model, DataSpec.Loaders data, ScheduleListener listener) {
    List<EpochResult> epochs = new ArrayList<>();
    List<ScheduleStep> steps = new ArrayList<>();
    Model sparse = model;
    if (sparsityTraining != null && sparsityTraining.epochs() > 0) {
      GradientHook hook = decay ? BnSparsityHook.decaying(sr) : BnSparsityHook.constant(sr);
      sparse = Fitter.fit(model, data, sparsityTraining, r -> {
        epochs.add(r);
        listener.epochDone("sparsity-train", r);
      }, m -> Map.of(), List.of(hook), null, null, listener.progress("sparsity-train")).model();
    }
    PruningPlan plan = plan(sparse, percent);
    Model pruned = Tuning.apply(sparse, plan, steps, listener);
    Model tuned = Tuning.tune(pruned, data, finetune, "finetune", epochs, listener);
    return new ScheduleResult(tuned, steps, epochs, null);
  }

  /** What to do when a graph has no BatchNormalization: an ONNX export folded it into the convolutions. */
  public static final String NO_BATCH_NORM_HINT = "If the model came from torch.onnx.export in eval mode, its BatchNorms"
      + " were folded into the convolutions: export with training=torch.onnx.TrainingMode.PRESERVE,"
      + " do_constant_folding=False to keep them (l1, l2, taylor, hrank and apoz work either way)";

  /** Mean |gamma| over each group's BatchNorm nodes, for groups that have any. */
  public static Map<Integer, float[]> gammaScores(Model model, DependencyGraph deps) {
    Map<Integer, float[]> scores = new HashMap<>();
    for (ChannelGroup g : deps.prunableGroups()) {
      if (g.normalizers().isEmpty()) {
        continue;
      }
      float[] s = new float[g.units()];
      for (String bn : g.normalizers()) {
        float[] gamma = model.weights().get(new ParamKey(bn, ParamRole.GAMMA)).data();
        int[][] idx = g.indices().get(bn);
        for (int u = 0; u < s.length; u++) {
          s[u] += Math.abs(gamma[idx[u][0]]) / g.normalizers().size();
        }
      }
      scores.put(g.id(), s);
    }
    return scores;
  }

  /** The plan removing every unit below the global |gamma| threshold at {@code percent}. */
  public static PruningPlan plan(Model model, double percent) {
    return plan(model, percent, SlimmingCut.NONE);
  }

  /**
   * The plan removing the units below the global |gamma| threshold at {@code percent} (of the
   * channels of the groups {@code cut} does not skip), within {@code cut}'s floor and rounding; in
   * each group the units with the smallest scores go.
   */
  public static PruningPlan plan(Model model, double percent, SlimmingCut cut) {
    DependencyGraph deps = DependencyGraph.of(model.graph());
    Map<Integer, float[]> scores = gammaScores(model, deps);
    scores.keySet().removeAll(cut.skipped(deps));
    if (scores.isEmpty()) {
      throw new InvalidPruningConfigException("network slimming needs BatchNormalization after prunable layers; graph '"
          + model.graph().name() + "' has none in any prunable group. " + NO_BATCH_NORM_HINT);
    }
    float[] all = scores.values().stream().map(a -> a).reduce(new float[0], Slimming::concat);
    float[] sorted = all.clone();
    Arrays.sort(sorted);
    int at = (int) Math.floor(percent * sorted.length);
    float threshold = at < sorted.length ? sorted[at] : Float.POSITIVE_INFINITY;
    // a group empties when all its units fall below the threshold: the largest safe threshold is
    // the smallest of the groups' largest scores
    float safe = Float.POSITIVE_INFINITY;
    String tightest = null;
    for (Map.Entry<Integer, float[]> e : scores.entrySet()) {
      float max = Float.NEGATIVE_INFINITY;
      for (float v : e.getValue()) {
        max = Math.max(max, v);
      }
      if (max < safe) {
        safe = max;
        tightest = deps.groups().get(e.getKey()).name();
      }
    }
    if (threshold > safe && !cut.hasFloor()) {
      int below = 0;
      for (float v : sorted) {
        if (v < safe) {
          below++;
        }
      }
      throw new InvalidPruningConfigException(String.format(Locale.ROOT,
          "slimming percent %.4f would remove every channel of group %s; the largest percent allowed is %.4f",
          percent, tightest, (double) below / sorted.length));
    }
    Map<Integer, int[]> removed = new HashMap<>();
    scores.forEach((id, s) -> {
      int above = (int) java.util.stream.IntStream.range(0, s.length).filter(u -> s[u] >= threshold).count();
      int drop = s.length - cut.kept(s.length, above);
      int[] idx = java.util.stream.IntStream.range(0, s.length).boxed()
          .sorted((a, b) -> s[a] != s[b] ? Float.compare(s[a], s[b]) : Integer.compare(a, b))
          .limit(drop).mapToInt(Integer::intValue).sorted().toArray();
      removed.put(id, idx);
    });
    String floor = cut.equals(SlimmingCut.NONE) ? "" : String.format(Locale.ROOT, ", keep >= max(%d, %.2f of a group), rounded to %d%s",
        cut.minKept(), cut.minKeptFraction(), cut.roundTo(), cut.skipShortcuts() ? ", shortcuts skipped" : "");
    return PruningPlan.of(deps, removed, String.format(Locale.ROOT, "slimming: |gamma| < %.4g (percent %.2f%s)", threshold, percent, floor));
  }

  private static float[] concat(float[] a, float[] b) {
    float[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
