package dev.topiary.engine.prune.importance;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.prune.schedule.Slimming;

import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Network slimming (Liu et al. 2017): |gamma| of the group's BatchNormalization nodes, summed over
 * the normalizers of the group (a residual group has one BN per coupled conv). A group without BN
 * (e.g. a Gemm before the classifier) is scored by the L1 norm of its producers' filters instead,
 * with a note in the result saying so: the fallback keeps every prunable group scored, but its
 * values are not on the gamma scale, so a global threshold should not mix the two. Needs no data.
 */
public final class BnScaleImportance implements Importance {
  private final MagnitudeImportance fallback = new MagnitudeImportance(MagnitudeImportance.Norm.L1);

  @Override
  public String name() {
    return "bn-scale";
  }

  @Override
  public boolean needsData() {
    return false;
  }

  @Override
  public GroupScores score(Model model, DependencyGraph deps, ScoringData dataOrNull) {
    Checks.sameGraph(model, deps);
    if (deps.prunableGroups().stream().allMatch(g -> g.normalizers().isEmpty())) {
      throw new InvalidPruningConfigException("bn-scale scores BatchNormalization gammas, but no prunable group of graph '"
          + model.graph().name() + "' has one. " + Slimming.NO_BATCH_NORM_HINT);
    }
    Map<Integer, float[]> scores = new LinkedHashMap<>();
    Map<Integer, String> notes = new LinkedHashMap<>();
    for (ChannelGroup g : deps.prunableGroups()) {
      if (g.normalizers().isEmpty()) {
        scores.put(g.id(), fallback.scoreGroup(model, g));
        notes.put(g.id(), "group " + g.name() + " has no BatchNormalization: scored by l1 of its producers' filters");
        continue;
      }
      List<UnitSums.Member> members = new ArrayList<>();
      for (String bn : g.normalizers()) {
        float[] gamma = model.weights().get(new ParamKey(bn, ParamRole.GAMMA)).data();
        double[] abs = new double[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
          abs[c] = Math.abs(gamma[c]);
        }
        members.add(new UnitSums.Member(bn, abs));
      }
      scores.put(g.id(), UnitSums.of(g, members));
    }
    return new GroupScores(name(), scores, notes, 0, 0);
  }
}
