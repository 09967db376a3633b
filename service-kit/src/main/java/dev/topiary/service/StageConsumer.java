package dev.topiary.service;

import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.plan.JobFlow;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.stage.StageContext;
import dev.topiary.pipeline.stage.StageRunner;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The stage service's Kafka consumer: decodes each record of the step-event topics, asks {@link
 * JobFlow} whether one of this stage's steps comes next, runs it with the service's {@link
 * StageRunner} and publishes what the runner emits. Steps run one at a time on their own worker
 * pool; the record is acknowledged (its offset committed) only when this method returns, that is
 * after the step's artifacts are stored and its events acknowledged by the broker. A redelivered
 * record re-emits the stored result ({@link StageRunner}'s idempotency).
 *
 * <p>Failures: a record that cannot be decoded, or that contradicts its plan, is thrown back to the
 * messaging layer, whose dead-letter strategy copies it to {@code topiary.dead-letter.v1} with the
 * reason in its headers; refusals by the engine or store become {@code JobFailed} inside the runner;
 * transient failures that outlived the store's retries are tried again ({@link StageConfig.Retry})
 * and then end the job with {@code JobFailed}.
 */
@ApplicationScoped
public class StageConsumer {
  private static final Logger LOG = Logger.getLogger(StageConsumer.class);

  private final StageRunner runner;
  private final StageContext ctx;
  private final EventPublisher publisher;
  private final StageMetrics metrics;
  private final StageConfig.Retry retry;

  @Inject
  public StageConsumer(StageRunner runner, StageContext ctx, EventPublisher publisher, StageMetrics metrics, StageConfig config) {
    this.runner = runner;
    this.ctx = ctx;
    this.publisher = publisher;
    this.metrics = metrics;
    this.retry = config.retry();
  }

  @Incoming(Channels.STEPS)
  @Blocking(value = Channels.WORKER_POOL, ordered = true)
  public void consume(byte[] payload) {
    PipelineEvent event = decode(payload);
    metrics.received(event);
    if (!(event instanceof StepEvent input)) {
      return;
    }
    JobPlan plan = withRetries(null, null, input, () -> ctx.plan(input.plan()));
    if (plan == null) {
      return;
    }
    Optional<PlanStep> next = JobFlow.nextFor(runner.stage(), plan, event);
    next.ifPresent(step -> run(plan, step, input));
  }

  private PipelineEvent decode(byte[] payload) {
    try {
      return EventCodec.fromBytes(payload);
    } catch (RuntimeException e) {
      metrics.failure("dead-letter");
      throw new UndecodableEventException(e);
    }
  }

  private void run(JobPlan plan, PlanStep step, StepEvent input) {
    StageMetrics.Running running = metrics.start(step.kind().id());
    StageMetrics.Outcome[] outcome = {StageMetrics.Outcome.SKIPPED};
    try {
      Boolean done = withRetries(plan, step, input, () -> {
        runner.run(plan, step, input, e -> {
          publish(e);
          if (e instanceof JobFailed) {
            metrics.failure("refused");
            outcome[0] = StageMetrics.Outcome.FAILED;
          } else if (e.stepIndex() == step.index() && JobFlow.completedStep(plan, e).isPresent()) {
            outcome[0] = StageMetrics.Outcome.COMPLETED;
          }
        });
        return Boolean.TRUE;
      });
      if (done == null) {
        outcome[0] = StageMetrics.Outcome.TRANSIENT_FAILURE;
      }
    } finally {
      running.end(outcome[0]);
    }
  }

  private void publish(PipelineEvent e) {
    publisher.publish(e);
    metrics.published(e);
  }

  /**
   * Runs {@code work}, retrying transient failures with doubling pauses; when they are spent,
   * publishes {@code JobFailed} for the step (the one after {@code input} when not yet known) and
   * returns null. Refusals (IllegalArgumentException, integrity, missing objects) propagate.
   */
  private <T> T withRetries(JobPlan plan, PlanStep step, StepEvent input, Supplier<T> work) {
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try {
        return work.get();
      } catch (RuntimeException e) {
        if (!Failures.isTransient(e)) {
          throw e;
        }
        int stepIndex = step != null ? step.index() : input.stepIndex() + 1;
        long pause = Math.min(retry.maxBackoff().toMillis(), retry.backoff().toMillis() << Math.min(20, attempt - 1));
        long spent = (System.nanoTime() - start) / 1_000_000;
        if (attempt >= retry.attempts() && spent + pause > retry.budget().toMillis()) {
          metrics.failure("transient");
          String what = step != null ? "step " + stepIndex + " (" + step.kind().id() + ")" : "reading the plan of step " + stepIndex;
          publish(new JobFailed(input.jobId(), stepIndex, lastAttempt(plan, step, attempt), ctx.clock().instant(), runner.stage(),
              e.getClass().getSimpleName(), what + ": gave up after " + attempt + " attempts in " + Math.round(spent / 1000.0)
                  + " s (topiary.stage.retry.budget " + retry.budget() + "): " + Failures.message(e)));
          return null;
        }
        LOG.warnf("job %s step %d: attempt %d failed after %d s (%s); retrying in %d ms (for up to %s in all)", input.jobId(), stepIndex,
            attempt, spent / 1000, Failures.message(e), pause, retry.budget());
        sleep(pause);
      }
    }
  }

  /**
   * The attempt a failure is reported under: the step's recorded count of runs (each try of
   * {@code work} starts one), else, when the store cannot tell, the tries made here.
   */
  private int lastAttempt(JobPlan plan, PlanStep step, int tries) {
    if (plan == null || step == null) {
      return 1; // reading the plan failed: no run of the step started
    }
    try {
      return Math.max(1, runner.attempts(plan, step));
    } catch (RuntimeException e) {
      return tries;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry", e);
    }
  }
}
