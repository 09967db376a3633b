package dev.topiary.pipeline.stage;

import dev.topiary.engine.prune.importance.ScoresFile;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.importance.GroupScores;
import dev.topiary.engine.prune.importance.Importance;
import dev.topiary.engine.prune.importance.Importances;
import dev.topiary.engine.prune.importance.ScoringData;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.job.PruneSpec;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.store.ArtifactRef;
import java.util.function.Consumer;

/**
 * The rank stage: a {@link PlanStep.Rank} scores every prunable channel group of the current model
 * with the spec's criterion (on {@code rankBatches} training batches when the criterion needs data:
 * a detector's pictures letterboxed as its training reads them, unaugmented, and Taylor
 * differentiating YOLOv5's loss, see {@link DetectionSteps#scoringData}), stores {@value
 * ScoresFile#FILE_NAME} and emits {@link RankComputed}. A {@link PlanStep.Sensitivity} also
 * analyses the model and chooses the cut ({@link SensitivitySteps}).
 */
public final class RankStage extends StageRunner {
  public RankStage(StageContext ctx) {
    super(ctx);
  }

  @Override
  public Stage stage() {
    return Stage.RANK;
  }

  @Override
  StepEvent execute(StepWork w, Consumer<PipelineEvent> progress) {
    if (w.step instanceof PlanStep.Sensitivity) {
      return SensitivitySteps.analyse(w);
    }
    PruneSpec prune = w.plan.spec().prune();
    Model model = w.inputModel();
    DependencyGraph deps = DependencyGraph.of(model.graph(), prune.select().excludedNodes());
    Importance importance = Importances.byName(prune.criterionOrDefault(), w.seed());
    ScoringData data = importance.needsData() ? scoringData(w, model, prune.rankBatches()) : null;
    GroupScores scores = importance.score(model, deps, data);
    ArtifactRef ref = w.store().put(w.key(ScoresFile.FILE_NAME), ScoresFile.of(scores, deps).toBytes());
    return new RankComputed(w.plan.jobId(), w.step.index(), w.attempt, w.now(), w.input.plan(), w.artifacts().withScores(ref),
        importance.name(), scores.groupIds().size());
  }

  /** The first {@code batches} training batches: a detector's with YOLOv5's loss, a classifier's with cross-entropy. */
  static ScoringData scoringData(StepWork w, Model model, int batches) {
    return w.plan.spec().detects() ? DetectionSteps.scoringData(w, model, batches) : ScoringData.of(w.data(model).trainData(), batches);
  }
}
