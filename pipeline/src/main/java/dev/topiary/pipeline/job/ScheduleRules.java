package dev.topiary.pipeline.job;

import dev.topiary.pipeline.job.ScheduleSpec.Gradual;
import dev.topiary.pipeline.job.ScheduleSpec.Layerwise;
import dev.topiary.pipeline.job.ScheduleSpec.OneShot;
import dev.topiary.pipeline.job.ScheduleSpec.Slimming;
import dev.topiary.pipeline.job.ScheduleSpec.Stages;
import java.util.List;

/** The schedule section's rules: each mode's required settings and ranges, and fit settings wherever they appear. */
final class ScheduleRules {
  private ScheduleRules() {}

  /** @param granularity {@code prune.granularity}; null when not known */
  static void check(ScheduleSpec s, Granularity granularity, boolean detection, Problems p) {
    if (s == null) {
      if (!p.hasUnder("schedule")) {
        p.add("schedule", "required: mode and its settings");
      }
      return;
    }
    if (s instanceof OneShot o) {
      fit(o.finetune(), "schedule.finetune", 0, detection, p);
    } else if (s instanceof Layerwise l) {
      fit(l.perStep(), "schedule.perStep", 0, detection, p);
      fit(l.finalTune(), "schedule.finalTune", 0, detection, p);
    } else if (s instanceof Stages st) {
      stages(st, granularity, detection, p);
    } else if (s instanceof Gradual g) {
      gradual(g, detection, p);
    } else if (s instanceof Slimming sl) {
      if (!(sl.sr() >= 0)) {
        p.add("schedule.sr", "must be >= 0, got " + sl.sr());
      }
      if (sl.percent() == null) {
        p.add("schedule.percent", "required for mode slimming: the fraction of BN channels removed, in (0, 1)");
      } else {
        Checks.openUnit(sl.percent(), "schedule.percent", p);
      }
      fit(sl.sparsityTraining(), "schedule.sparsityTraining", 0, detection, p);
      fit(sl.finetune(), "schedule.finetune", 0, detection, p);
      cut(sl, p);
    } else if (s instanceof ScheduleSpec.Sensitivity se) {
      sensitivity(se, detection, p);
    } else if (s instanceof ScheduleSpec.Finetune f) {
      fit(f.finetune(), "schedule.finetune", 1, detection, p);
    }
  }

  private static void sensitivity(ScheduleSpec.Sensitivity s, boolean detection, Problems p) {
    List<Double> r = s.ratios();
    if (r == null || r.isEmpty()) {
      p.add("schedule.ratios", "must list at least one ratio, rising in (0, 1), e.g. [0.25, 0.5, 0.75]");
    } else {
      for (int i = 0; i < r.size(); i++) {
        if (!(r.get(i) > 0 && r.get(i) < 1) || (i > 0 && r.get(i) <= r.get(i - 1))) {
          p.add("schedule.ratios[" + i + "]", "must rise strictly within (0, 1), got " + r);
          break;
        }
      }
    }
    if (s.maxAccuracyDrop() == null) {
      p.add("schedule.maxAccuracyDrop", "required for mode sensitivity: the largest accuracy drop a group's cut may cost, e.g. 0.02 (two points)");
    } else {
      Checks.openUnit(s.maxAccuracyDrop(), "schedule.maxAccuracyDrop", p);
    }
    if (s.targetFlopsReduction() == null) {
      p.add("schedule.targetFlopsReduction", "required for mode sensitivity: the fraction of the FLOPs to remove, in (0, 1)");
    } else {
      Checks.openUnit(s.targetFlopsReduction(), "schedule.targetFlopsReduction", p);
    }
    Checks.atLeast(s.probeBatches(), 1, "schedule.probeBatches", p);
    fit(s.finetune(), "schedule.finetune", 0, detection, p);
  }

  /** Slimming's per-group floor and rounding. */
  private static void cut(Slimming sl, Problems p) {
    if (sl.minKept() != null) {
      Checks.atLeast(sl.minKept(), 0, "schedule.minKept", p);
    }
    if (sl.minKeptFraction() != null && !(sl.minKeptFraction() >= 0 && sl.minKeptFraction() <= 1)) {
      p.add("schedule.minKeptFraction", "must be in [0, 1], got " + sl.minKeptFraction());
    }
    if (sl.roundTo() != null) {
      Checks.atLeast(sl.roundTo(), 1, "schedule.roundTo", p);
    }
  }

  /** Channel stages take {@code flopsReductions}, unstructured ones {@code sparsities}; both rise strictly within (0, 1). */
  private static void stages(Stages st, Granularity g, boolean detection, Problems p) {
    if (g == Granularity.CHANNEL || g == Granularity.UNSTRUCTURED) {
      boolean sparse = g == Granularity.UNSTRUCTURED;
      List<Double> own = sparse ? st.sparsities() : st.flopsReductions();
      if ((sparse ? st.flopsReductions() : st.sparsities()) != null) {
        p.add(sparse ? "schedule.flopsReductions" : "schedule.sparsities", sparse
            ? "applies to granularity channel; unstructured stages take schedule.sparsities"
            : "applies to granularity unstructured; channel stages take schedule.flopsReductions (prune.granularity is channel)");
      }
      if (own == null || own.isEmpty()) {
        p.add(sparse ? "schedule.sparsities" : "schedule.flopsReductions", sparse
            ? "required for mode stages with granularity unstructured: each stage's sparsity, rising in (0, 1), e.g. [0.3, 0.5, 0.7]"
            : "required for mode stages: cumulative FLOPs reductions rising in (0, 1), e.g. [0.2, 0.35, 0.5]");
      }
    }
    rising(st.flopsReductions(), "schedule.flopsReductions", p);
    rising(st.sparsities(), "schedule.sparsities", p);
    fit(st.perStage(), "schedule.perStage", 0, detection, p);
  }

  /** Each value above the one before and below 1, the first above 0; reports the first that is not. */
  private static void rising(List<Double> values, String path, Problems p) {
    double prev = 0;
    for (int i = 0; values != null && i < values.size(); i++) {
      if (!(values.get(i) > prev && values.get(i) < 1)) {
        p.add(path + "[" + i + "]", "must rise strictly within (0, 1): " + values.get(i) + " after " + prev);
        return;
      }
      prev = values.get(i);
    }
  }

  private static void gradual(Gradual g, boolean detection, Problems p) {
    if (!Gradual.CURVES.contains(g.curve())) {
      p.add("schedule.curve", "expected agp or log, got '" + g.curve() + "'");
    }
    if (!(g.initialSparsity() >= 0 && g.initialSparsity() < 1)) {
      p.add("schedule.initialSparsity", "must be in [0, 1), got " + g.initialSparsity());
    }
    if (g.targetSparsity() == null) {
      p.add("schedule.targetSparsity", "required for mode gradual: the final sparsity, in (0, 1)");
    } else if (!(g.targetSparsity() >= g.initialSparsity() && g.targetSparsity() < 1)) {
      p.add("schedule.targetSparsity", "must be in [initialSparsity, 1) = [" + g.initialSparsity() + ", 1), got " + g.targetSparsity());
    }
    Checks.atLeast(g.startEpoch(), 0, "schedule.startEpoch", p);
    Checks.atLeast(g.interval(), 1, "schedule.interval", p);
    if (g.endEpoch() == null) {
      p.add("schedule.endEpoch", "required for mode gradual: the epoch at which the target is reached");
    } else if (g.endEpoch() <= g.startEpoch()) {
      p.add("schedule.endEpoch", "must be after startEpoch (" + g.startEpoch() + "), got " + g.endEpoch());
    }
    fit(g.finetune(), "schedule.finetune", 1, detection, p);
    if (g.finetune() != null && g.finetune().epochs() != null && g.endEpoch() != null && g.finetune().epochs() <= g.endEpoch()) {
      // epochs count from 0 and the target applies from epoch endEpoch on: that epoch must be run
      p.add("schedule.finetune.epochs", "must be more than endEpoch (" + g.endEpoch() + ", counted from 0) to reach the target sparsity, got "
          + g.finetune().epochs());
    }
  }

  /**
   * Checks fit settings under {@code path}; epochs must be at least {@code minEpochs}. A detection
   * job's schedules are YOLOv5's (linear, cosine) and it takes the warm-up and nominal batch.
   */
  static void fit(FitSpec f, String path, int minEpochs, boolean detection, Problems p) {
    if (f == null) {
      if (!p.hasUnder(path)) {
        p.add(path, "required" + (path.startsWith("schedule.") ? " for this mode" : "") + ": {epochs, optimizer, lrSchedule}");
      }
      return;
    }
    if (f.epochs() == null) {
      p.add(path + ".epochs", "required");
    } else {
      Checks.atLeast(f.epochs(), minEpochs, path + ".epochs", p);
    }
    OptimizerSpec o = f.optimizer();
    if (!"sgd".equals(o.type())) {
      p.add(path + ".optimizer.type", "expected sgd (the only optimizer), got '" + o.type() + "'");
    }
    if (!(o.lr() > 0)) {
      p.add(path + ".optimizer.lr", "must be > 0, got " + o.lr());
    }
    if (!(o.momentum() >= 0 && o.momentum() < 1)) {
      p.add(path + ".optimizer.momentum", "must be in [0, 1), got " + o.momentum());
    }
    if (!(o.weightDecay() >= 0)) {
      p.add(path + ".optimizer.weightDecay", "must be >= 0, got " + o.weightDecay());
    }
    if (detection) {
      detectionFit(f, path, p);
    } else {
      if (f.nominalBatch() != null) {
        p.add(path + ".nominalBatch", "applies to task detection only");
      }
      if (f.warmupEpochs() != null) {
        p.add(path + ".warmupEpochs", "applies to task detection only");
      }
      if (f.minWarmupIterations() != null) {
        p.add(path + ".minWarmupIterations", "applies to task detection only");
      }
      lrSchedule(f.lrSchedule(), path + ".lrSchedule", p);
    }
  }

  private static void detectionFit(FitSpec f, String path, Problems p) {
    if (f.nominalBatch() != null) {
      Checks.atLeast(f.nominalBatch(), 1, path + ".nominalBatch", p);
    }
    if (f.warmupEpochs() != null && !(f.warmupEpochs() >= 0 && Double.isFinite(f.warmupEpochs()))) {
      p.add(path + ".warmupEpochs", "must be >= 0, got " + f.warmupEpochs());
    }
    if (f.minWarmupIterations() != null) {
      Checks.atLeast(f.minWarmupIterations(), 0, path + ".minWarmupIterations", p);
    }
    LrScheduleSpec s = f.lrSchedule();
    if (!LrScheduleSpec.DETECTION_TYPES.contains(s.type())) {
      p.add(path + ".lrSchedule.type", "a detector's learning rate decays linearly (YOLOv5's default) or by cosine: expected linear or cosine, got '"
          + s.type() + "'");
    }
    if (s.milestones() != null) {
      p.add(path + ".lrSchedule.milestones", "applies to type multistep only, which detection does not take");
    }
    if (s.gamma() != null) {
      p.add(path + ".lrSchedule.gamma", "applies to type multistep only, which detection does not take");
    }
  }

  private static void lrSchedule(LrScheduleSpec s, String path, Problems p) {
    if ("linear".equals(s.type())) {
      p.add(path + ".type", "linear applies to task detection only; expected one of " + String.join(", ", LrScheduleSpec.TYPES));
      return;
    }
    if (!LrScheduleSpec.TYPES.contains(s.type())) {
      p.add(path + ".type", "expected one of " + String.join(", ", LrScheduleSpec.TYPES) + ", got '" + s.type() + "'");
      return;
    }
    if (!"multistep".equals(s.type())) {
      if (s.milestones() != null) {
        p.add(path + ".milestones", "applies to type multistep only");
      }
      if (s.gamma() != null) {
        p.add(path + ".gamma", "applies to type multistep only");
      }
      return;
    }
    List<Integer> m = s.milestones();
    if (m == null || m.isEmpty()) {
      p.add(path + ".milestones", "required for multistep: ascending epochs, e.g. [5, 8]");
    } else {
      for (int i = 0; i < m.size(); i++) {
        if (m.get(i) < 1 || (i > 0 && m.get(i) <= m.get(i - 1))) {
          p.add(path + ".milestones[" + i + "]", "milestones must be positive and strictly ascending, got " + m);
          break;
        }
      }
    }
    if (s.gamma() != null && !(s.gamma() > 0 && s.gamma() <= 1)) {
      p.add(path + ".gamma", "must be in (0, 1], got " + s.gamma());
    }
  }
}
