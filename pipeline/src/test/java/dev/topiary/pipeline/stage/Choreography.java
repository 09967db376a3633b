package dev.topiary.pipeline.stage;

import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.Submission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A whole job in-process, as the services run it over Kafka: submission (plan compiled and stored,
 * {@link JobSubmitted}), then every event is offered to the four runners, as each service's
 * consumer would ({@link StageRunner#handle}), and what they emit is delivered in turn, until
 * nothing follows (the final evaluation, or a failure).
 */
final class Choreography {
  private final StageContext ctx;
  private final List<StageRunner> runners;
  private final List<PipelineEvent> delivered = new ArrayList<>();

  Choreography(StageContext ctx) {
    this.ctx = ctx;
    this.runners = List.of(new RankStage(ctx), new PruneStage(ctx), new FinetuneStage(ctx), new EvalStage(ctx));
  }

  /** Runs a job from its spec to the end; returns every event delivered, the submission first. */
  List<PipelineEvent> run(String jobId, String specYaml) {
    return deliver(submit(jobId, JobSpecs.parseYaml(specYaml)));
  }

  /** As the gateway does: compile the plan, store it, announce the job. */
  JobSubmitted submit(String jobId, JobSpec spec) {
    return Submission.prepare(ctx.store(), jobId, spec, ctx.clock().instant());
  }

  /** Delivers an event and all that follows; returns them in delivery order. */
  List<PipelineEvent> deliver(PipelineEvent first) {
    List<PipelineEvent> out = new ArrayList<>();
    Deque<PipelineEvent> queue = new ArrayDeque<>(List.of(first));
    while (!queue.isEmpty()) {
      PipelineEvent e = queue.poll();
      out.add(e);
      delivered.add(e);
      for (StageRunner r : runners) {
        r.handle(e, queue::add);
      }
    }
    return out;
  }

  /** Every event delivered so far, over all jobs. */
  List<PipelineEvent> delivered() {
    return delivered;
  }

  JobPlan plan(StepEvent e) {
    return ctx.plan(e.plan());
  }
}
