package dev.topiary.engine.prune.select;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.Surgery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What to remove from a graph: per channel group, the units to remove and the count kept, with the
 * MACs ({@link Graph#macs}) and learnable parameters ({@link Graph#parameterCount}) before and after.
 * Immutable.
 *
 * <p>Group ids and unit numbers refer to the groups of the original graph. {@link #apply} removes
 * the groups one after another, re-deriving the {@link DependencyGraph} in between and reusing the
 * original ids and units: removing units of one group never changes the id, the size or the unit
 * numbering of another group (groups are ordered by their first node and units by their first
 * channel, and removal keeps the relative order of the surviving channels of every space).
 */
public final class PruningPlan {
  /**
   * The decision for one group.
   *
   * @param groupId id of the group in the original graph's {@link DependencyGraph}
   * @param groupName the group's name (its first producer)
   * @param producers the nodes whose filters are the group's units
   * @param units units of the group before pruning
   * @param removed units to remove, ascending
   * @param kept units left: {@code units - removed.length}
   */
  public record Entry(int groupId, String groupName, List<String> producers, int units, int[] removed, int kept) {
    public Entry {
      producers = List.copyOf(producers);
      removed = removed.clone();
      if (kept != units - removed.length) {
        throw new IllegalArgumentException("kept " + kept + " != units " + units + " - removed " + removed.length);
      }
    }

    @Override
    public int[] removed() {
      return removed.clone();
    }

    /** Fraction of the group's units removed. */
    public double ratio() {
      return units == 0 ? 0 : (double) removed.length / units;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && groupId == e.groupId && groupName.equals(e.groupName) && producers.equals(e.producers)
          && units == e.units && Arrays.equals(removed, e.removed) && kept == e.kept;
    }

    @Override
    public int hashCode() {
      return Objects.hash(groupId, groupName, producers, units, Arrays.hashCode(removed), kept);
    }

    @Override
    public String toString() {
      return "#" + groupId + " " + groupName + ": " + units + " -> " + kept + " " + Arrays.toString(removed);
    }
  }

  private final Graph original;
  private final Graph pruned;
  private final List<Entry> entries;
  private final String description;

  private PruningPlan(Graph original, Graph pruned, List<Entry> entries, String description) {
    this.original = original;
    this.pruned = pruned;
    this.entries = List.copyOf(entries);
    this.description = description;
  }

  /**
   * A plan removing the given units.
   *
   * @param deps the groups of the graph to prune
   * @param removedUnits units to remove per group id (any order); a group listed with no units
   *     appears in the plan as kept whole
   * @param description what chose these units (becomes the note of each pruning step)
   * @throws InvalidPruningConfigException for an unknown or blocked group, units out of range or
   *     repeated, or all units of a group
   */
  public static PruningPlan of(DependencyGraph deps, Map<Integer, int[]> removedUnits, String description) {
    Map<ChannelGroup, int[]> byGroup = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<Integer, int[]> e : new TreeMap<>(removedUnits).entrySet()) {
      ChannelGroup g = group(deps, e.getKey());
      int[] units = checkedUnits(g, e.getValue());
      if (units.length > 0 && !g.prunable()) {
        throw new InvalidPruningConfigException("group #" + g.id() + " (" + g.name() + ") cannot be pruned: " + g.blockedBy());
      }
      byGroup.put(g, units);
      entries.add(new Entry(g.id(), g.name(), g.producers(), g.units(), units, g.units() - units.length));
    }
    Graph pruned = dev.topiary.engine.prune.Surgery.pruneGraph(deps.graph(), byGroup);
    return new PruningPlan(deps.graph(), pruned, entries, description == null ? "" : description);
  }

  private static ChannelGroup group(DependencyGraph deps, int id) {
    if (id < 0 || id >= deps.groups().size()) {
      throw new InvalidPruningConfigException("graph '" + deps.graph().name() + "' has no group #" + id);
    }
    return deps.groups().get(id);
  }

  private static int[] checkedUnits(ChannelGroup g, int[] units) {
    int[] sorted = units.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0 || sorted[i] >= g.units() || (i > 0 && sorted[i] == sorted[i - 1])) {
        throw new InvalidPruningConfigException("group " + g.name() + ": units to remove must be distinct and in [0, " + g.units() + "), got " + Arrays.toString(units));
      }
    }
    if (sorted.length == g.units()) {
      throw new InvalidPruningConfigException("group " + g.name() + ": removing all " + g.units() + " channels would empty the layer");
    }
    return sorted;
  }

  /** One entry per group the selector decided on, in group order. */
  public List<Entry> entries() {
    return entries;
  }

  /** The entry of a group, by its name. */
  public Entry entry(String groupName) {
    return entries.stream().filter(e -> e.groupName().equals(groupName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the plan has no group '" + groupName + "'; it has " + entries.stream().map(Entry::groupName).toList()));
  }

  /** What chose the units. */
  public String description() {
    return description;
  }

  /** The graph the plan was made for. */
  public Graph original() {
    return original;
  }

  /** The graph that {@link #apply} produces (shapes only). */
  public Graph prunedGraph() {
    return pruned;
  }

  public long macsBefore() {
    return original.macs();
  }

  public long macsAfter() {
    return pruned.macs();
  }

  public long paramsBefore() {
    return original.parameterCount();
  }

  public long paramsAfter() {
    return pruned.parameterCount();
  }

  /** Fraction of the MACs removed: {@code 1 - after / before}. */
  public double macsReduction() {
    return reduction(macsBefore(), macsAfter());
  }

  /** Fraction of the learnable parameters removed. */
  public double paramsReduction() {
    return reduction(paramsBefore(), paramsAfter());
  }

  /** Units removed over all groups. */
  public int removedUnits() {
    return entries.stream().mapToInt(e -> e.units() - e.kept()).sum();
  }

  private static double reduction(long before, long after) {
    return before == 0 ? 0 : 1 - (double) after / before;
  }

  /**
   * Removes every planned unit from a model of the plan's graph, one group at a time, each a
   * {@link Surgery} step noted with the plan's description. The model is not modified.
   *
   * @throws InvalidPruningConfigException when the model's graph is not the one planned for
   */
  public Model apply(Model model) {
    if (model.graph() != original && !GraphJson.write(model.graph()).equals(GraphJson.write(original))) {
      throw new InvalidPruningConfigException("the plan was made for graph '" + original.name() + "' and does not fit the model's graph '" + model.graph().name() + "'");
    }
    Model m = model;
    for (Entry e : entries) {
      if (e.removed.length == 0) {
        continue;
      }
      DependencyGraph deps = DependencyGraph.of(m.graph());
      ChannelGroup g = deps.groups().get(e.groupId());
      if (!g.name().equals(e.groupName()) || g.units() != e.units()) { // the invariant of the class Javadoc
        throw new IllegalStateException("group #" + e.groupId() + " is now " + g.name() + " with " + g.units() + " units, planned " + e.groupName() + " with " + e.units());
      }
      m = Surgery.prune(m, deps, g, e.removed, description);
    }
    if (!GraphJson.write(m.graph()).equals(GraphJson.write(pruned))) {
      throw new IllegalStateException("surgery produced another graph than the plan predicted for " + original.name());
    }
    return m;
  }

  /** A readable summary: MACs and parameters, then one line per group. */
  public String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Pruning plan for %s%s: %d of %d groups pruned, %d units removed%n", original.name(),
        description.isEmpty() ? "" : " (" + description + ")", entries.stream().filter(e -> e.kept() < e.units()).count(), entries.size(), removedUnits()));
    sb.append(String.format(Locale.ROOT, "  MACs    %,d -> %,d (-%.2f%%)%n", macsBefore(), macsAfter(), 100 * macsReduction()));
    sb.append(String.format(Locale.ROOT, "  params  %,d -> %,d (-%.2f%%)%n", paramsBefore(), paramsAfter(), 100 * paramsReduction()));
    int nameWidth = Math.max(5, entries.stream().mapToInt(e -> e.groupName().length()).max().orElse(0));
    String row = "  %-5s %-" + nameWidth + "s  %-40s %13s  %6s%n";
    sb.append(String.format(Locale.ROOT, row, "group", "name", "producers", "channels", "ratio"));
    for (Entry e : entries) {
      sb.append(String.format(Locale.ROOT, row, "#" + e.groupId(), e.groupName(), producers(e.producers()),
          e.units() + " -> " + e.kept(), String.format(Locale.ROOT, "%.4f", e.ratio())));
    }
    return sb.toString();
  }

  private static String producers(List<String> p) {
    String s = String.join(", ", p);
    if (s.length() <= 40) {
      return s;
    }
    return p.get(0) + " (+" + (p.size() - 1) + " more)";
  }

  @Override
  public String toString() {
    return "PruningPlan for " + original.name() + ": " + entries.size() + " groups, MACs " + macsBefore() + " -> " + macsAfter();
  }
}
