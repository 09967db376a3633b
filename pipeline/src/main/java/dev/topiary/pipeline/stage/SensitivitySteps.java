package dev.topiary.pipeline.stage;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.importance.GroupScores;
import dev.topiary.engine.prune.importance.Importance;
import dev.topiary.engine.prune.importance.Importances;
import dev.topiary.engine.prune.importance.ScoresFile;
import dev.topiary.engine.prune.importance.ScoringData;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.prune.sensitivity.SensitivityAnalysis;
import dev.topiary.engine.prune.sensitivity.SensitivityFile;
import dev.topiary.engine.prune.sensitivity.SensitivityPlanner;
import dev.topiary.engine.prune.sensitivity.SensitivityResult;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.job.ScheduleSpec;
import dev.topiary.pipeline.store.ArtifactRef;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The two steps of a sensitivity job. The analysis ({@link
 * dev.topiary.pipeline.plan.PlanStep.Sensitivity}, rank stage) scores every prunable group of the
 * model by the spec's criterion, prunes each alone at each ratio (without fine-tuning) and measures
 * top-1 on the first {@code probeBatches} test batches, then lets {@link SensitivityPlanner} choose
 * per-group counts for the FLOPs target within the drop budget. It stores {@value
 * ScoresFile#FILE_NAME}, {@value SensitivityFile#FILE_NAME} (curves and choice) and {@value
 * SensitivityFile#PLOT_FILE}, and its {@link RankComputed} cites them. A target the budget cannot
 * reach fails the step, saying what the budget reaches. The cut ({@link
 * dev.topiary.pipeline.plan.PlanStep.PrunePerGroup}, prune stage) applies the stored choice to the
 * same model with the same scores, so it is the plan chosen. Both are deterministic for a seed: a
 * rerun stores the same files.
 */
final class SensitivitySteps {
  private SensitivitySteps() {}

  static StepEvent analyse(StepWork w) {
    ScheduleSpec.Sensitivity s = (ScheduleSpec.Sensitivity) w.plan.spec().schedule();
    Model model = w.inputModel();
    DependencyGraph deps = DependencyGraph.of(model.graph()); // the analysis probes every prunable group
    DataSpec.Loaders data = probeData(w, model, s.probeBatches());
    Importance importance = Importances.byName(w.plan.spec().prune().criterionOrDefault(), w.seed());
    ScoringData scoring = importance.needsData() ? ScoringData.of(data.trainData(), w.plan.spec().prune().rankBatches()) : null;
    GroupScores scores = importance.score(model, deps, scoring);
    Map<Integer, float[]> byGroup = new HashMap<>();
    deps.prunableGroups().forEach(g -> byGroup.put(g.id(), scores.scores(g)));
    double[] ratios = s.ratios().stream().mapToDouble(Double::doubleValue).toArray();
    SensitivityResult result = SensitivityAnalysis.run(model, byGroup, ratios, m -> Fitter.evaluate(m, data).top1(), null);
    PruningPlan plan = SensitivityPlanner.plan(result, deps, byGroup, s.targetFlopsReduction(), s.maxAccuracyDrop());
    SensitivityFile file = SensitivityFile.of(importance.name(), data.test().size(), result, plan, s.targetFlopsReduction(), s.maxAccuracyDrop());

    ArtifactRef scoresRef = w.store().put(w.key(ScoresFile.FILE_NAME), ScoresFile.of(scores, deps).toBytes());
    ArtifactRef curves = w.store().put(w.key(SensitivityFile.FILE_NAME), file.toBytes());
    ArtifactRef plot = w.store().put(w.key(SensitivityFile.PLOT_FILE), result.svg().getBytes(StandardCharsets.UTF_8));
    int cut = (int) plan.entries().stream().filter(e -> e.removed().length > 0).count();
    return new RankComputed(w.plan.jobId(), w.step.index(), w.attempt, w.now(), w.input.plan(), w.artifacts().withScores(scoresRef),
        importance.name(), scores.groupIds().size(), new RankComputed.Sensitivity(curves, plot, result.baseline(), plan.macsReduction(), cut));
  }

  /**
   * The cut the analysis before chose, on the current model (the analysed one: rank steps change
   * no model).
   *
   * @throws IllegalArgumentException when the event before is not a sensitivity step's
   */
  static PruningPlan chosen(StepWork w, DependencyGraph deps) {
    RankComputed.Sensitivity s = w.input instanceof RankComputed r ? r.sensitivity() : null;
    if (s == null) {
      throw new IllegalArgumentException("sensitivity: step " + w.step.index() + " (" + w.step.kind().id()
          + ") cuts by a sensitivity step's choice, and the " + w.input.type().jsonName() + " before it carries none");
    }
    SensitivityFile file = SensitivityFile.fromBytes(w.store().getBytes(s.curves()), s.curves().key());
    ArtifactRef scores = w.artifacts().scores();
    return file.plan(deps, ScoresFile.fromBytes(w.store().getBytes(scores), scores.key()).scoresFor(deps));
  }

  /** The job's data with the test split cut to the probe's batches (and the spec's own limit, when smaller). */
  private static DataSpec.Loaders probeData(StepWork w, Model model, int probeBatches) {
    DataSpec spec = w.ctx.dataSpec(w.plan.spec().dataset(), w.seed());
    int probe = (int) Math.min(Integer.MAX_VALUE, (long) probeBatches * spec.batchSize());
    int test = spec.testLimit() == 0 ? probe : Math.min(probe, spec.testLimit());
    return spec.withLimits(spec.trainLimit(), test).open(model.graph().inputs().get(0).shape().toArray());
  }
}
