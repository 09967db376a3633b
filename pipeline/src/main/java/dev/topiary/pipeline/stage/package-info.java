/**
 * What each pipeline stage does for each step kind, framework-free: {@link
 * dev.topiary.pipeline.stage.RankStage}, {@link dev.topiary.pipeline.stage.PruneStage}, {@link
 * dev.topiary.pipeline.stage.FinetuneStage} and {@link dev.topiary.pipeline.stage.EvalStage}, each a
 * {@link dev.topiary.pipeline.stage.StageRunner} over a shared {@link
 * dev.topiary.pipeline.stage.StageContext} (store, work folder, datasets). A service's consumer
 * decodes an event, calls {@code runner.handle(event, emit)} and publishes what is emitted; the
 * runner loads the plan, asks {@code JobFlow} whether the next step is its stage's, downloads the
 * inputs, calls the engine, stores the outputs and the completion event (idempotency), and emits
 * it, or a {@code JobFailed}. {@link dev.topiary.engine.prune.importance.ScoresFile} is the scores format
 * shared by the rank and prune stages.
 */
package dev.topiary.pipeline.stage;
