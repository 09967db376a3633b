package dev.topiary.engine.prune.importance;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code topiary-scores} file (version 1): what {@code rank --out} writes and the rank stage
 * stores as {@code scores.json}, and what {@code prune --scores} and later prune steps read: the
 * criterion, the graph and its group count, and per scored group its id, name, producers, units,
 * one score per unit and the criterion's note. Reading checks the scores against the graph they
 * are applied to, so scores never land on another graph's units. Immutable.
 */
public record ScoresFile(String format, int version, String criterion, String graph, int groups, int batches, long images,
    List<Group> scores) {
  public static final String FORMAT = "topiary-scores";
  public static final int VERSION = 1;
  public static final String FILE_NAME = "scores.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One scored group. */
  public record Group(int id, String name, List<String> producers, int units, float[] scores, String note) {}

  public ScoresFile {
    scores = List.copyOf(scores);
  }

  /** The scores a criterion gave the groups of {@code deps}. */
  public static ScoresFile of(GroupScores s, DependencyGraph deps) {
    List<Group> rows = new ArrayList<>();
    for (int id : s.groupIds()) {
      ChannelGroup g = deps.groups().get(id);
      rows.add(new Group(id, g.name(), g.producers(), g.units(), s.scores(g), s.notes().get(id)));
    }
    return new ScoresFile(FORMAT, VERSION, s.criterion(), deps.graph().name(), deps.groups().size(), s.batches(), s.images(), rows);
  }

  public byte[] toBytes() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot write scores of " + graph + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * @param source names the file in messages
   * @throws IllegalArgumentException when the bytes are not a {@value #FORMAT} version {@value #VERSION} file
   */
  public static ScoresFile fromBytes(byte[] json, String source) {
    ScoresFile f;
    try {
      f = JSON.readValue(json, ScoresFile.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(source + ": not a scores file: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(source + ": " + e.getMessage(), e);
    }
    if (f == null || !FORMAT.equals(f.format()) || f.version() != VERSION) {
      throw new IllegalArgumentException(source + ": not a " + FORMAT + " version " + VERSION + " file");
    }
    return f;
  }

  /** Writes the file (to a temporary name first, then moved into place). */
  public void write(java.nio.file.Path file) throws java.io.IOException {
    java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    java.nio.file.Files.write(tmp, toBytes());
    java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads a file written by {@link #write}; a missing or malformed file is named in the error. */
  public static ScoresFile read(java.nio.file.Path file) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": missing (write one with 'rank --out')");
    }
    try {
      return fromBytes(java.nio.file.Files.readAllBytes(file), file.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The scores of every prunable group of {@code deps}, by group id.
   *
   * @throws IllegalArgumentException when the scores were computed for another graph: another group
   *     count, a group with another name or unit count (named), or a prunable group without scores
   */
  public Map<Integer, float[]> scoresFor(DependencyGraph deps) {
    String of = "graph '" + deps.graph().name() + "'";
    if (groups != deps.groups().size()) {
      throw new IllegalArgumentException("scores of a graph with " + groups + " channel groups, " + of + " has " + deps.groups().size());
    }
    Map<Integer, float[]> byId = new HashMap<>();
    for (Group e : scores) {
      if (e.id() < 0 || e.id() >= groups) {
        throw new IllegalArgumentException("scores: group #" + e.id() + " is not a group of " + of);
      }
      ChannelGroup g = deps.groups().get(e.id());
      check(e, g, of);
      if (g.prunable()) {
        byId.put(e.id(), e.scores());
      }
    }
    for (ChannelGroup g : deps.prunableGroups()) {
      if (!byId.containsKey(g.id())) {
        throw new IllegalArgumentException("scores: none for group #" + g.id() + " (" + g.name() + ") of " + of);
      }
    }
    return byId;
  }

  /**
   * The scores of one group, found by name in a graph that other cuts may have changed since the
   * scores were taken (layer-by-layer pruning: a cut never renumbers another group's units).
   *
   * @throws IllegalArgumentException when the graph has no such group, or the group's unit count
   *     differs from the scored one
   */
  public float[] scoresOf(String group, DependencyGraph deps) {
    String of = "graph '" + deps.graph().name() + "'";
    ChannelGroup g = deps.groups().stream().filter(c -> c.name().equals(group)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("group: " + of + " has no channel group " + group));
    Group e = scores.stream().filter(s -> s.name().equals(group)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("scores: none for group " + group + " (criterion " + criterion + ")"));
    check(e, g, of);
    return e.scores().clone();
  }

  private static void check(Group e, ChannelGroup g, String of) {
    int values = e.scores() == null ? 0 : e.scores().length;
    if (!g.name().equals(e.name()) || g.units() != e.units() || values != g.units()) {
      throw new IllegalArgumentException("scores: group #" + e.id() + " (" + e.name() + ") has " + e.units() + " units and " + values
          + " scores, but in " + of + " group #" + g.id() + " is " + g.name() + " with " + g.units() + " units");
    }
  }
}
