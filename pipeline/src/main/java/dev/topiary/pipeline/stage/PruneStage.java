package dev.topiary.pipeline.stage;

import dev.topiary.engine.prune.importance.ScoresFile;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.schedule.Slimming;
import dev.topiary.engine.prune.select.FlopsTargetSelector;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.prune.sparse.MagnitudePruner;
import dev.topiary.engine.prune.sparse.NmPruner;
import dev.topiary.engine.prune.sparse.SparsityMask;
import dev.topiary.engine.prune.sparse.SparsityReport;
import dev.topiary.engine.prune.sparse.SparsityRules;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.model.PruningStep;
import dev.topiary.pipeline.job.ModelSource;
import dev.topiary.pipeline.job.ReplayCheck;
import dev.topiary.pipeline.job.ScheduleSpec;
import dev.topiary.pipeline.job.SelectSpec;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.store.ArtifactRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The prune stage. Channel steps remove units by surgery and store the smaller model: {@link
 * PlanStep.Prune} by the spec's channel selector from the last scores, {@link PlanStep.PruneGroup}
 * one group's lowest-scored units (scores taken once on the original model), {@link
 * PlanStep.PruneToFlops} to a share of the original MACs from fresh scores, {@link PlanStep.Slim}
 * by the global |gamma| threshold within the spec's cut (per-group floor, rounding, skipped
 * shortcuts). Surgery keeps the graph's metadata, so a detector's anchors and class names go on.
 * Mask steps ({@link PlanStep.Mask}, {@link PlanStep.NmMask}, {@link PlanStep.MaskToSparsity}: a
 * stage of static unstructured pruning, keeping the earlier masks) zero weights by magnitude and
 * store the masked model with {@value SparsityMask#FILE_NAME}. Every step emits {@link LayerPruned}.
 * A surgery result carries no masks: they would not fit it. {@link PlanStep.PrunePerGroup} cuts each
 * group to the count a sensitivity step chose ({@link SensitivitySteps}); {@link PlanStep.Replay}
 * applies {@code spec.model.replay}'s pruning history to the checkpoint, once {@link ReplayCheck}
 * finds the checkpoint has the architecture it was recorded on.
 */
public final class PruneStage extends StageRunner {
  public PruneStage(StageContext ctx) {
    super(ctx);
  }

  @Override
  public Stage stage() {
    return Stage.PRUNE;
  }

  @Override
  StepEvent execute(StepWork w, Consumer<PipelineEvent> progress) {
    Model model = w.inputModel();
    PlanStep step = w.step;
    if (step instanceof PlanStep.Replay) {
      return replay(w, model);
    }
    SelectSpec select = w.plan.spec().prune().select();
    if (step instanceof PlanStep.Mask) {
      SparsityMask mask = select.sparsityRules() != null
          ? MagnitudePruner.layerwise(model, SparsityRules.parse(select.sparsityRules()))
          : MagnitudePruner.global(model, select.globalSparsity());
      return masked(w, model, mask, Map.of());
    }
    if (step instanceof PlanStep.MaskToSparsity st) {
      return masked(w, model, toSparsity(model, w.inputMasks(model), st.sparsity()), Map.of());
    }
    if (step instanceof PlanStep.NmMask) {
      int[] nm = select.nmPattern();
      NmPruner.NmPruning p = NmPruner.of(nm[0], nm[1]).prune(model);
      return masked(w, model, p.mask(), p.skipped());
    }
    DependencyGraph deps = DependencyGraph.of(model.graph(), select.excludedNodes());
    PruningPlan plan;
    if (step instanceof PlanStep.Prune) {
      plan = select.channelSelector().plan(deps, scores(w).scoresFor(deps));
    } else if (step instanceof PlanStep.PruneGroup g) {
      plan = oneGroup(deps, g, scores(w).scoresOf(g.group(), deps));
    } else if (step instanceof PlanStep.PruneToFlops f) {
      plan = toFlops(deps, f, select, w);
    } else if (step instanceof PlanStep.Slim) {
      ScheduleSpec.Slimming slimming = (ScheduleSpec.Slimming) w.plan.spec().schedule();
      plan = Slimming.plan(model, slimming.percent(), slimming.cut());
    } else if (step instanceof PlanStep.PrunePerGroup) {
      plan = SensitivitySteps.chosen(w, deps);
    } else {
      throw unexpected(step);
    }
    return cut(w, model, plan);
  }

  /**
   * Global magnitude masks at {@code sparsity} that keep every earlier zero: the earlier masks are
   * applied first, so their zeros rank smallest, and kept in the result even where the model has
   * more exact zeros than the new count (then the stage prunes a little more than asked).
   */
  static SparsityMask toSparsity(Model model, SparsityMask earlier, double sparsity) {
    if (earlier == null) {
      return MagnitudePruner.global(model, sparsity);
    }
    SparsityMask mask = MagnitudePruner.global(earlier.applyTo(model), sparsity);
    Map<ParamKey, boolean[]> keep = new LinkedHashMap<>();
    for (ParamKey k : mask.keys()) {
      boolean[] flags = mask.keep(k);
      if (earlier.keys().contains(k)) {
        boolean[] before = earlier.keep(k);
        for (int i = 0; i < flags.length; i++) {
          flags[i] &= before[i];
        }
      }
      keep.put(k, flags);
    }
    return SparsityMask.of(model.graph(), keep);
  }

  private static ScoresFile scores(StepWork w) {
    ArtifactRef ref = w.artifacts().scores();
    if (ref == null) {
      throw new IllegalArgumentException("artifacts.scores: step " + w.step.index() + " (" + w.step.kind().id()
          + ") needs the scores of a rank step and the " + w.input.type().jsonName() + " event carries none");
    }
    return ScoresFile.fromBytes(w.store().getBytes(ref), ref.key());
  }

  /** The planned count of one group's lowest-scored units, ties to the lower index (HRank's argsort). */
  static PruningPlan oneGroup(DependencyGraph deps, PlanStep.PruneGroup step, float[] scores) {
    ChannelGroup group = deps.groups().stream().filter(c -> c.name().equals(step.group())).findFirst().orElseThrow();
    if (group.units() != step.channelsBefore()) {
      throw new IllegalArgumentException("channelsBefore: the plan cuts group " + step.group() + " from " + step.channelsBefore()
          + " units, the model's group has " + group.units());
    }
    int[] removed = IntStream.range(0, scores.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(u -> scores[u]).thenComparingInt(u -> u))
        .limit(step.channelsBefore() - step.channelsAfter()).mapToInt(Integer::intValue).toArray();
    return PruningPlan.of(deps, Map.of(group.id(), removed), String.format(Locale.ROOT, "group %s: %d -> %d (%d/%d)",
        step.group(), step.channelsBefore(), step.channelsAfter(), step.ordinal(), step.groups()));
  }

  /** Cuts to the stage's share of the original MACs, relative to the current model (as engine Stages). */
  private static PruningPlan toFlops(DependencyGraph deps, PlanStep.PruneToFlops step, SelectSpec select, StepWork w) {
    long current = deps.graph().macs();
    double target = step.originalMacs() * (1 - step.flopsReduction());
    // rounded up at the 6th decimal so that 0.2 does not read 0.19999999999999996
    double relative = Math.ceil((1 - target / current) * 1e6) / 1e6;
    if (relative <= 0) {
      return PruningPlan.of(deps, Map.of(), "stage " + step.ordinal() + ": already at " + current + " MACs");
    }
    return FlopsTargetSelector.builder().setReduction(relative).optConstraints(select.globalConstraints())
        .optNormalization(select.normalizationOrDefault()).optRoundingFallback(select.roundsByDefault()).build()
        .plan(deps, scores(w).scoresFor(deps));
  }

  private static StepEvent cut(StepWork w, Model model, PruningPlan plan) {
    Model pruned = plan.apply(model);
    List<LayerPruned.GroupCut> groups = plan.entries().stream().filter(e -> e.removed().length > 0)
        .map(e -> new LayerPruned.GroupCut(e.groupName(), e.units(), e.kept())).toList();
    return new LayerPruned(w.plan.jobId(), w.step.index(), w.attempt, w.now(), w.input.plan(),
        w.artifacts().withModel(w.putModel(pruned)).withMasks(null), groups, pruned.graph().parameterCount(), pruned.graph().macs(), null);
  }

  /** The history of {@code spec.model.replay} applied to the checkpoint, once {@link ReplayCheck} finds that it fits. */
  private static StepEvent replay(StepWork w, Model checkpoint) {
    ModelSource.Replay r = w.plan.spec().model().replay();
    Graph pruned = GraphJson.read(w.store().get(r.graph(), w.local("replay-" + Model.GRAPH_FILE)));
    List<PruningStep> history = Model.readHistory(w.store().get(r.history(), w.local("replay-" + Model.HISTORY_FILE)));
    Model replayed = ReplayCheck.replay(checkpoint, history, pruned);
    List<LayerPruned.GroupCut> groups = ReplayCheck.cuts(checkpoint.graph(), history).stream().filter(c -> c.after() < c.before())
        .map(c -> new LayerPruned.GroupCut(c.group(), c.before(), c.after())).toList();
    return new LayerPruned(w.plan.jobId(), w.step.index(), w.attempt, w.now(), w.input.plan(),
        w.artifacts().withModel(w.putModel(replayed)).withMasks(null), groups, replayed.graph().parameterCount(), replayed.graph().macs(), null);
  }

  private static StepEvent masked(StepWork w, Model model, SparsityMask mask, Map<ParamKey, String> notes) {
    Model sparse = mask.applyTo(model);
    double sparsity;
    try {
      sparsity = SparsityReport.of(model, sparse, notes).totalSparsity();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure the sparsity of " + model.graph().name(), e);
    }
    return new LayerPruned(w.plan.jobId(), w.step.index(), w.attempt, w.now(), w.input.plan(),
        w.artifacts().withModel(w.putModel(sparse)).withMasks(w.putMasks(mask)), List.of(), sparse.graph().parameterCount(),
        sparse.graph().macs(), sparsity);
  }
}
