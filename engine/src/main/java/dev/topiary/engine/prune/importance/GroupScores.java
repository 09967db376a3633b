package dev.topiary.engine.prune.importance;

import dev.topiary.engine.prune.ChannelGroup;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The scores a criterion gave the prunable groups of one dependency graph: one float per unit,
 * units numbered as in {@link ChannelGroup#indices()}, higher = more important. Groups are keyed
 * by {@link ChannelGroup#id()}, so scores only fit the {@link dev.topiary.engine.prune.DependencyGraph}
 * they were computed for. Immutable: arrays are copied in and out.
 */
public final class GroupScores {
  private final String criterion;
  private final Map<Integer, float[]> byGroup;
  private final Map<Integer, String> notes;
  private final int batches;
  private final long images;

  /**
   * @param criterion the criterion's name
   * @param byGroup group id to scores, one per unit; every value finite
   * @param notes group id to a remark on how it was scored (e.g. a fallback); may be empty
   * @param batches number of data batches measured (0 for weight criteria)
   * @param images number of images measured (0 for weight criteria)
   * @throws IllegalArgumentException when a score is NaN or infinite, naming the group
   */
  public GroupScores(String criterion, Map<Integer, float[]> byGroup, Map<Integer, String> notes, int batches, long images) {
    this.criterion = criterion;
    Map<Integer, float[]> copy = new LinkedHashMap<>();
    byGroup.forEach((id, s) -> {
      for (int u = 0; u < s.length; u++) {
        if (!Float.isFinite(s[u])) {
          throw new IllegalArgumentException("criterion '" + criterion + "': score of unit " + u + " of group #" + id + " is " + s[u]);
        }
      }
      copy.put(id, s.clone());
    });
    this.byGroup = Collections.unmodifiableMap(copy);
    this.notes = Collections.unmodifiableMap(new LinkedHashMap<>(notes));
    this.batches = batches;
    this.images = images;
  }

  public String criterion() {
    return criterion;
  }

  /** The ids of the scored groups, in group order. */
  public Set<Integer> groupIds() {
    return byGroup.keySet();
  }

  /**
   * A copy of the scores of a group, one per unit.
   *
   * @throws IllegalArgumentException when the group was not scored (blocked, or from another
   *     dependency graph) or its unit count does not match
   */
  public float[] scores(ChannelGroup group) {
    float[] s = byGroup.get(group.id());
    if (s == null) {
      throw new IllegalArgumentException("criterion '" + criterion + "' has no scores for group #" + group.id() + " (" + group.name() + ")"
          + (group.prunable() ? "" : ": it is blocked: " + group.blockedBy()));
    }
    if (s.length != group.units()) {
      throw new IllegalArgumentException("scores of group #" + group.id() + " have " + s.length + " units but group " + group.name()
          + " has " + group.units() + ": the scores were computed for another dependency graph");
    }
    return s.clone();
  }

  /** A copy of the scores of the group with this id. */
  public float[] scores(int groupId) {
    float[] s = byGroup.get(groupId);
    if (s == null) {
      throw new IllegalArgumentException("criterion '" + criterion + "' has no scores for group #" + groupId);
    }
    return s.clone();
  }

  /** Remarks by group id, e.g. "no BatchNormalization: scored by l1". */
  public Map<Integer, String> notes() {
    return notes;
  }

  /** Number of data batches the scores were measured on; 0 for weight criteria. */
  public int batches() {
    return batches;
  }

  /** Number of images the scores were measured on; 0 for weight criteria. */
  public long images() {
    return images;
  }

  @Override
  public String toString() {
    return "GroupScores(" + criterion + ", " + byGroup.size() + " groups" + (images > 0 ? ", " + images + " images" : "") + ")";
  }
}
