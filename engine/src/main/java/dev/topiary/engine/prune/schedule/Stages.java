package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.select.FlopsTargetSelector;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.FitSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Static multi-stage channel pruning: the FLOPs reduction rises stage by stage (e.g. 0.2, 0.35,
 * 0.5 of the original model's MACs), each stage re-scoring the current model, cutting to its
 * target and fine-tuning before the next.
 */
public record Stages(Scorer scorer, List<Double> flopsReductions, FitSettings perStage, int roundTo) implements PruningSchedule {
  public Stages {
    flopsReductions = List.copyOf(flopsReductions);
    double prev = 0;
    for (int i = 0; i < flopsReductions.size(); i++) {
      double r = flopsReductions.get(i);
      if (!(r > prev && r < 1)) {
        throw new InvalidPruningConfigException("stages: FLOPs reductions must rise strictly within (0, 1); stage " + (i + 1) + " has " + r + " after " + prev);
      }
      prev = r;
    }
  }

  @Override
  public ScheduleResult run(Model model, DataSpec.Loaders data, ScheduleListener listener) {
    long original = model.graph().macs();
    List<ScheduleStep> steps = new ArrayList<>();
    List<EpochResult> epochs = new ArrayList<>();
    Model current = model;
    for (int s = 0; s < flopsReductions.size(); s++) {
      double targetMacs = original * (1 - flopsReductions.get(s));
      // relative to the current model; rounded up at the 6th decimal so reports read 0.2, not 0.19999999999999996
      double relative = Math.ceil((1 - targetMacs / current.graph().macs()) * 1e6) / 1e6;
      if (relative > 0) {
        FlopsTargetSelector.Builder b = FlopsTargetSelector.builder().setReduction(relative);
        if (roundTo > 1) {
          b.optRoundTo(roundTo);
        }
        current = Tuning.cut(current, scorer, b.build(), steps, listener);
      }
      current = Tuning.tune(current, data, perStage, "stage " + (s + 1) + "/" + flopsReductions.size(), epochs, listener);
    }
    return new ScheduleResult(current, steps, epochs, null);
  }
}
