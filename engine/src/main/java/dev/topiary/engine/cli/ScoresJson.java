package dev.topiary.engine.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.importance.GroupScores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scores file {@code rank} writes and {@code prune --scores} reads: the criterion, the graph and
 * its group count, and per scored group its id, name, producers, units, one score per unit and the
 * criterion's note. Reading checks the file against the graph to prune, so scores never land on
 * another graph's units.
 */
final class ScoresJson {
  static final String FORMAT = "topiary-scores";
  static final int VERSION = 1;

  private ScoresJson() {}

  /** @param groups every group of the graph, prunable or not */
  record Doc(String format, int version, String criterion, String graph, int groups, int batches, long images, List<Group> scores) {}

  record Group(int id, String name, List<String> producers, int units, float[] scores, String note) {}

  static Doc of(GroupScores s, DependencyGraph deps) {
    List<Group> rows = new ArrayList<>();
    for (int id : s.groupIds()) {
      ChannelGroup g = deps.groups().get(id);
      rows.add(new Group(id, g.name(), g.producers(), g.units(), s.scores(g), s.notes().get(id)));
    }
    return new Doc(FORMAT, VERSION, s.criterion(), deps.graph().name(), deps.groups().size(), s.batches(), s.images(), rows);
  }

  static void write(Doc doc, Path file) throws IOException {
    Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
  }

  static Doc read(Path file) {
    try {
      Doc d = new ObjectMapper().readValue(Files.readString(file), Doc.class);
      if (d == null || !FORMAT.equals(d.format()) || d.version() != VERSION || d.scores() == null) {
        throw new IllegalArgumentException(file + ": not a " + FORMAT + " version " + VERSION + " file (write one with 'rank --out')");
      }
      return d;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": missing");
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + ": not a scores file: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The scores of every prunable group of {@code deps}, by group id.
   *
   * @throws IllegalArgumentException when the file was computed for another graph: another group
   *     count, a group with another name or unit count (named), or a prunable group without scores
   */
  static Map<Integer, float[]> scoresFor(Path file, DependencyGraph deps) {
    Doc d = read(file);
    String graph = "graph '" + deps.graph().name() + "'";
    if (d.groups() != deps.groups().size()) {
      throw new IllegalArgumentException(file + ": scores of a graph with " + d.groups() + " channel groups, " + graph + " has " + deps.groups().size());
    }
    Map<Integer, float[]> byId = new HashMap<>();
    for (Group e : d.scores()) {
      if (e.id() < 0 || e.id() >= deps.groups().size()) {
        throw new IllegalArgumentException(file + ": group #" + e.id() + " is not a group of " + graph);
      }
      ChannelGroup g = deps.groups().get(e.id());
      int values = e.scores() == null ? 0 : e.scores().length;
      if (!g.name().equals(e.name()) || g.units() != e.units() || values != g.units()) {
        throw new IllegalArgumentException(file + ": group #" + e.id() + " (" + e.name() + ") has " + e.units() + " units and " + values
            + " scores, but in " + graph + " group #" + g.id() + " is " + g.name() + " with " + g.units() + " units");
      }
      if (g.prunable()) {
        byId.put(e.id(), e.scores());
      }
    }
    for (ChannelGroup g : deps.prunableGroups()) {
      if (!byId.containsKey(g.id())) {
        throw new IllegalArgumentException(file + ": no scores for group #" + g.id() + " (" + g.name() + ") of " + graph);
      }
    }
    return byId;
  }
}
