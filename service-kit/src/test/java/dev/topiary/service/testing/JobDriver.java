package dev.topiary.service.testing;

import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.JobFlow;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.plan.Submission;
import dev.topiary.pipeline.stage.EvalStage;
import dev.topiary.pipeline.stage.FinetuneStage;
import dev.topiary.pipeline.stage.PruneStage;
import dev.topiary.pipeline.stage.RankStage;
import dev.topiary.pipeline.stage.StageContext;
import dev.topiary.pipeline.stage.StageRunner;
import dev.topiary.pipeline.store.ArtifactStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Runs a job's other stages in-process, against the same store as the service under test, up to
 * the event after which the tested stage's step comes: that event is what the service must receive.
 */
public final class JobDriver {
  private final StageContext ctx;
  private final List<StageRunner> runners;

  public JobDriver(ArtifactStore store, Path workDir) {
    ctx = StageContext.builder().setStore(store).setWorkDir(workDir).optLatencyRuns(1, 2).build();
    runners = List.of(new RankStage(ctx), new PruneStage(ctx), new FinetuneStage(ctx), new EvalStage(ctx));
  }

  /** Compiles and stores a job's plan, as the gateway does; returns the submission. */
  public JobSubmitted submit(String jobId, String specYaml) {
    return Submission.prepare(ctx.store(), jobId, JobSpecs.parseYaml(specYaml), Instant.now());
  }

  public JobPlan plan(StepEvent event) {
    return ctx.plan(event.plan());
  }

  /**
   * Delivers {@code from} and what follows through every stage but {@code target}, until an event
   * after which a step of {@code target} comes; returns that event.
   *
   * @throws AssertionError when the job ends or fails first
   */
  public StepEvent advanceTo(Stage target, StepEvent from) {
    Deque<PipelineEvent> queue = new ArrayDeque<>(List.of(from));
    while (!queue.isEmpty()) {
      PipelineEvent e = queue.poll();
      if (e instanceof StepEvent step) {
        Optional<PlanStep> next = JobFlow.next(plan(step), e);
        if (next.isPresent() && next.get().stage() == target) {
          return step;
        }
      }
      for (StageRunner r : runners) {
        if (r.stage() != target) {
          r.handle(e, queue::add);
        }
      }
    }
    throw new AssertionError("job " + from.jobId() + " reached no step of stage " + target.id());
  }
}
