package dev.topiary.pipeline.event;

import dev.topiary.pipeline.store.ArtifactRef;

/**
 * An event that reports work on a step and carries what the next step needs: the reference of the
 * job plan (an immutable {@code plan.json} in the store, verified by its hash) and the job's
 * current artifacts. A consumer loads the plan (cached by sha256), asks {@code
 * dev.topiary.pipeline.plan.JobFlow} what comes next, and takes its inputs from {@link #artifacts}.
 */
public sealed interface StepEvent extends PipelineEvent permits JobSubmitted, RankComputed, LayerPruned, EpochTuned, ModelEvaluated {
  ArtifactRef plan();

  Artifacts artifacts();
}
