package dev.topiary.engine.prune.sensitivity;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.prune.select.Scores;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code topiary-sensitivity} file (version 1): a sensitivity analysis's curves and the
 * per-group counts the planner chose from them, as the sensitivity step of a job stores it ({@value
 * #FILE_NAME}, beside the plot {@value #PLOT_FILE}) and the prune step after it reads it. The choice
 * names groups by their ids and names in the analysed model's dependency graph; {@link #plan}
 * checks both, so a choice never lands on another graph's groups. Immutable.
 *
 * @param criterion the criterion that ordered the units within each group
 * @param probeImages test images each probe (one group at one ratio) was measured on
 * @param result the curves
 * @param choice what the planner picked for the FLOPs target within the accuracy-drop budget
 */
public record SensitivityFile(String format, int version, String criterion, int probeImages, SensitivityResult result, Choice choice) {
  public static final String FORMAT = "topiary-sensitivity";
  public static final int VERSION = 1;
  public static final String FILE_NAME = "sensitivity.json";
  public static final String PLOT_FILE = "sensitivity.svg";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * The planner's choice.
   *
   * @param macsReduction the fraction of the MACs the chosen cut removes
   * @param groups every analysed group with the units it keeps, in group order
   */
  public record Choice(double targetFlopsReduction, double maxAccuracyDrop, double macsReduction, List<Group> groups) {
    public Choice {
      groups = List.copyOf(groups);
    }
  }

  /** One group's choice: it keeps {@code kept} of its {@code units}, its lowest-scored units going. */
  public record Group(int id, String name, int units, int kept) {
    /** The fraction of the group's units removed. */
    public double ratio() {
      return 1 - (double) kept / units;
    }
  }

  /** The file of an analysis and the plan {@link SensitivityPlanner} chose from it. */
  public static SensitivityFile of(String criterion, int probeImages, SensitivityResult result, PruningPlan plan, double targetFlopsReduction,
      double maxAccuracyDrop) {
    List<Group> groups = plan.entries().stream().map(e -> new Group(e.groupId(), e.groupName(), e.units(), e.kept())).toList();
    return new SensitivityFile(FORMAT, VERSION, criterion, probeImages, result,
        new Choice(targetFlopsReduction, maxAccuracyDrop, plan.macsReduction(), groups));
  }

  /**
   * The chosen cut on the analysed model: each group's lowest-scored units, as many as the choice
   * removes (the planner's own rule, so the plan equals the one chosen).
   *
   * @param scores the scores the analysis ranked by, per group id
   * @throws InvalidPruningConfigException when a group of the choice is not that group of {@code deps}
   */
  public PruningPlan plan(DependencyGraph deps, Map<Integer, float[]> scores) {
    Map<Integer, int[]> removed = new HashMap<>();
    for (Group g : choice.groups()) {
      ChannelGroup c = g.id() >= 0 && g.id() < deps.groups().size() ? deps.groups().get(g.id()) : null;
      if (c == null || !c.name().equals(g.name()) || c.units() != g.units()) {
        throw new InvalidPruningConfigException("sensitivity choice: group #" + g.id() + " (" + g.name() + ", " + g.units()
            + " units) is not a group of graph '" + deps.graph().name() + "'" + (c == null ? "" : "; it has " + c.name() + " with " + c.units()));
      }
      removed.put(g.id(), g.kept() < g.units() ? Scores.lowest(scores.get(g.id()), g.units() - g.kept()) : new int[0]);
    }
    return PruningPlan.of(deps, removed, String.format(Locale.ROOT, "sensitivity: %.1f%% of the FLOPs within a drop of %.2f points per group",
        100 * choice.targetFlopsReduction(), 100 * choice.maxAccuracyDrop()));
  }

  public byte[] toBytes() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot write the sensitivity of " + result.model() + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * @param source names the file in messages
   * @throws IllegalArgumentException when the bytes are not a {@value #FORMAT} version {@value #VERSION} file
   */
  public static SensitivityFile fromBytes(byte[] json, String source) {
    SensitivityFile f;
    try {
      f = JSON.readValue(json, SensitivityFile.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(source + ": not a sensitivity file: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(source + ": " + e.getMessage(), e);
    }
    if (f == null || !FORMAT.equals(f.format()) || f.version() != VERSION || f.result() == null || f.choice() == null) {
      throw new IllegalArgumentException(source + ": not a " + FORMAT + " version " + VERSION + " file");
    }
    return f;
  }
}
