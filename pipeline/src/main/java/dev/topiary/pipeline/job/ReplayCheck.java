package dev.topiary.pipeline.job;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.PruningStep;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.Surgery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a pruning history ({@code model.replay}) fits a checkpoint: the history is replayed on
 * the checkpoint's graph alone (no weights: the gateway checks at submission, the replay step
 * again before its surgery), each step's node must exist and hold the channels the step removes,
 * and the result must have the history's own pruned graph, node for node. A problem names the step,
 * its node and the reason, at {@value #FIELD}. Stateless.
 */
public final class ReplayCheck {
  public static final String FIELD = "model.replay.history";

  /** One group the history cuts: its width on the checkpoint and after the history (its last step on it). */
  public record GroupCut(String group, int before, int after) {}

  /** What replaying gives on the graph: the cut per group, or the first problem. */
  private record Walk(Graph graph, List<GroupCut> cuts, SpecProblem problem) {}

  private ReplayCheck() {}

  /** The problems of replaying {@code history} onto {@code checkpoint}, whose result must be {@code pruned}'s graph; empty when it fits. */
  public static List<SpecProblem> problems(Graph checkpoint, List<PruningStep> history, Graph pruned) {
    Walk w = walk(checkpoint, history);
    if (w.problem() != null) {
      return List.of(w.problem());
    }
    SpecProblem differs = compare(w.graph(), pruned);
    return differs == null ? List.of() : List.of(differs);
  }

  /**
   * The checkpoint with the history applied ({@link Surgery#replay}): its weights, the history's
   * channel counts.
   *
   * @throws IllegalArgumentException naming the field, step and node when the history does not fit
   */
  public static Model replay(Model checkpoint, List<PruningStep> history, Graph pruned) {
    List<SpecProblem> p = problems(checkpoint.graph(), history, pruned);
    if (!p.isEmpty()) {
      throw new IllegalArgumentException(p.get(0).path() + ": " + p.get(0).message());
    }
    return Surgery.replay(checkpoint, history);
  }

  /** The groups the history cuts on this graph, in the order first cut; call on a history that fits. */
  public static List<GroupCut> cuts(Graph checkpoint, List<PruningStep> history) {
    return walk(checkpoint, history).cuts();
  }

  private static Walk walk(Graph checkpoint, List<PruningStep> history) {
    Graph g = checkpoint;
    Map<String, GroupCut> cuts = new LinkedHashMap<>();
    for (int i = 0; i < history.size(); i++) {
      PruningStep s = history.get(i);
      int[] removed = s.removed();
      if (removed.length == 0) {
        continue;
      }
      String at = "step " + (i + 1) + " of the history (node " + s.node() + "): ";
      if (!g.hasNode(s.node())) {
        return new Walk(g, List.of(), new SpecProblem(FIELD, at + "the checkpoint's graph '" + checkpoint.name() + "' has no node '" + s.node()
            + "': it is not the architecture the history was recorded on"));
      }
      int channels = g.shape(s.node()).channels();
      if (removed[removed.length - 1] >= channels) {
        return new Walk(g, List.of(), new SpecProblem(FIELD, at + "removes channel " + removed[removed.length - 1] + " but the node has "
            + channels + " output channels on the checkpoint at that point: it is not the architecture the history was recorded on"));
      }
      try {
        ChannelGroup grp = DependencyGraph.of(g).groupOf(s.node(), removed[0]);
        int[] units = units(grp, s.node(), removed);
        g = Surgery.pruneGraph(g, grp, units);
        GroupCut first = cuts.get(grp.name());
        cuts.put(grp.name(), new GroupCut(grp.name(), first == null ? grp.units() : first.before(), grp.units() - units.length));
      } catch (TopiaryException | IllegalArgumentException e) {
        return new Walk(g, List.of(), new SpecProblem(FIELD, at + e.getMessage()));
      }
    }
    return new Walk(g, List.copyOf(cuts.values()), null);
  }

  /** The group's units holding the removed channels of {@code node}. */
  private static int[] units(ChannelGroup grp, String node, int[] removed) {
    int[][] idx = grp.indices().get(node);
    return Arrays.stream(removed).map(c -> {
      for (int u = 0; u < idx.length; u++) {
        if (Arrays.binarySearch(idx[u], c) >= 0) {
          return u;
        }
      }
      throw new IllegalArgumentException("channel " + c + " is not in group " + grp.name());
    }).distinct().sorted().toArray();
  }

  /** The first node whose output differs between the replayed graph and the history's own result; null when none. */
  private static SpecProblem compare(Graph replayed, Graph pruned) {
    List<String> names = new ArrayList<>(pruned.nodes().stream().map(Node::name).toList());
    for (Node n : replayed.nodes()) {
      if (!pruned.hasNode(n.name())) {
        return new SpecProblem(FIELD, "the checkpoint has node '" + n.name() + "', which the history's model '" + pruned.name()
            + "' lacks: it is not the architecture the history was recorded on");
      }
    }
    for (String name : names) {
      if (!replayed.hasNode(name)) {
        return new SpecProblem(FIELD, "the history's model has node '" + name + "', which the checkpoint lacks: it is not the architecture"
            + " the history was recorded on");
      }
      int[] want = pruned.shape(name).toArray();
      int[] got = replayed.shape(name).toArray();
      if (!Arrays.equals(want, got)) {
        return new SpecProblem(FIELD, "node '" + name + "' outputs " + Arrays.toString(got) + " after the history on the checkpoint but "
            + Arrays.toString(want) + " in the history's model: the checkpoint is not the architecture the history was recorded on");
      }
    }
    return null;
  }
}
