package dev.topiary.engine.prune.select;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans from rates given per producer node (HRank compress rates, NNI sparsities): one rate per
 * group by a {@link CoupledRate} rule, {@code (int) (rate * units)} units removed as HRank and NNI
 * count them, then the {@link ChannelConstraints}.
 */
final class LayerRates {
  private LayerRates() {}

  /**
   * @param nodeRates rate per Conv or Gemm node; nodes absent have no say
   * @param excluded nodes whose groups are never pruned
   * @param what what a rate is called in messages ("compress rate", "sparsity")
   */
  static PruningPlan plan(DependencyGraph deps, Map<Integer, float[]> scores, Map<String, Double> nodeRates, Set<String> excluded,
      CoupledRate rule, ChannelConstraints constraints, String what, String description) {
    Map<ChannelGroup, Integer> kept = new LinkedHashMap<>();
    for (ChannelGroup g : deps.groups()) {
      List<String> rated = g.producers().stream().filter(nodeRates::containsKey).toList();
      if (rated.isEmpty() || g.producers().stream().anyMatch(excluded::contains)) {
        continue;
      }
      List<Double> rates = rated.stream().map(nodeRates::get).toList();
      int pick = rule.pick(rates);
      double rate = rates.get(pick);
      if (!g.prunable()) {
        if (rate > 0) {
          throw new InvalidPruningConfigException(what + " " + rate + " of '" + rated.get(pick) + "' cannot be applied: group "
              + g.name() + " cannot be pruned (" + g.blockedBy() + "); give it 0 or exclude it");
        }
        continue;
      }
      int units = g.units();
      int keep = units - (int) (rate * units);
      int floor = constraints.floor(units);
      if (keep < floor) {
        String outcome = keep == 0 ? "would empty it" : keep < Math.min(constraints.minChannels(), units)
            ? "would keep " + keep + ", fewer than minChannels " + constraints.minChannels()
            : "would remove more than maxPruningRatio " + constraints.maxPruningRatio() + " of it";
        throw new InvalidPruningConfigException("group " + g.name() + " has " + units + " channels: ratio " + rate + " " + outcome
            + "; the largest ratio allowed is " + (double) (units - floor) / units + " (" + what + " of '" + rated.get(pick) + "')");
      }
      kept.put(g, constraints.kept(units, keep));
    }
    return assemble(deps, scores, kept, description);
  }

  /** A plan removing, from each group, its lowest-scored units down to the kept count. */
  static PruningPlan assemble(DependencyGraph deps, Map<Integer, float[]> scores, Map<ChannelGroup, Integer> kept, String description) {
    List<ChannelGroup> cut = new ArrayList<>();
    kept.forEach((g, k) -> {
      if (k < g.units()) {
        cut.add(g);
      }
    });
    Scores.check(deps, scores, cut);
    Map<Integer, int[]> removed = new LinkedHashMap<>();
    kept.forEach((g, k) -> removed.put(g.id(), k < g.units() ? Scores.lowest(scores.get(g.id()), g.units() - k) : new int[0]));
    return PruningPlan.of(deps, removed, description);
  }
}
