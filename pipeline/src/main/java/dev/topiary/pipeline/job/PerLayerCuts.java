package dev.topiary.pipeline.job;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.select.PruningPlan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The groups a per-layer selection (compress rates or a config list) cuts, and how many channels
 * each keeps, known before any ranking: those selectors decide counts from rates and channel
 * constraints alone, scores only decide which units go. Planning with uniform scores therefore
 * gives the layer-by-layer schedule its steps, and checks the selection against the graph (a rate
 * that would empty a group, a blocked group given a rate) before the job starts.
 */
public final class PerLayerCuts {
  /** One group's planned cut, in the original graph. */
  public record Cut(String group, int channelsBefore, int channelsAfter) {}

  private PerLayerCuts() {}

  /**
   * The groups cut, in group order (the order of their first producers), each losing at least one channel.
   *
   * @param select a valid selection whose method is compressRate or configList
   * @throws dev.topiary.engine.InvalidPruningConfigException when the selection does not fit the graph
   */
  public static List<Cut> of(SelectSpec select, Graph graph) {
    if (select.compressRate() == null && select.configList() == null) {
      throw new IllegalArgumentException("per-layer cuts need compressRate or configList, got " + select.methodsGiven());
    }
    DependencyGraph deps = DependencyGraph.of(graph, select.excludedNodes());
    Map<Integer, float[]> uniform = new HashMap<>();
    for (ChannelGroup g : deps.groups()) {
      uniform.put(g.id(), new float[g.units()]);
    }
    PruningPlan plan = select.channelSelector().plan(deps, uniform);
    return plan.entries().stream().filter(e -> e.kept() < e.units()).map(e -> new Cut(e.groupName(), e.units(), e.kept())).toList();
  }
}
