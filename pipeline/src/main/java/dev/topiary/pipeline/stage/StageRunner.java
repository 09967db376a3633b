package dev.topiary.pipeline.stage;

import dev.topiary.engine.TopiaryException;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.plan.JobFlow;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.store.ArtifactIntegrityException;
import dev.topiary.pipeline.store.ArtifactNotFoundException;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStoreException;
import dev.topiary.pipeline.store.Keys;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs the steps of one stage, framework-free: a service's consumer hands it each event it reads
 * ({@link #handle}) and publishes what it emits. A step run downloads its inputs from the event's
 * artifacts (verified), calls the engine, uploads its outputs under {@code
 * jobs/<jobId>/<NN>-<stage>/} and emits the completion event, which carries the artifacts it
 * received with those it produced replacing them.
 *
 * <p><b>Idempotent.</b> The completion event is stored last, as {@value #EVENT_FILE} in the step's
 * folder, after every artifact it references. A step whose event is stored is not run again: a
 * redelivered input re-emits the stored event, byte for byte, so downstream sees one result. Two
 * deliveries running at the same moment both compute, write the same keys and emit equal events
 * but for {@code occurredAt}; the stored one is the last written.
 *
 * <p><b>Failures.</b> The engine's and the store's refusals ({@link TopiaryException}: an invalid
 * model or pruning configuration, a corrupt or missing artifact) and {@link
 * IllegalArgumentException} become a {@link JobFailed} naming the stage, step, exception type and
 * message; nothing is stored, so a redelivery tries again. Transient store failures that outlived
 * the store's retries ({@link ArtifactStoreException} other than integrity and not-found), local
 * I/O failures and bugs propagate to the caller, whose messaging layer retries or dead-letters
 * the input.
 *
 * <p><b>Crash loops.</b> Each run records itself before it works ({@link Keys#attempts}), and a run
 * that ends with an exception its service survives records that it ended. A step with {@link
 * StageContext#maxStepCrashes()} runs that started and never ended took its service down each time
 * (out of memory, a native crash, a kill): the next delivery emits a {@link JobFailed} ({@value
 * #CRASHED}) naming the step instead of running it, so the service commits the input and moves on
 * to other jobs.
 *
 * <p><b>Cancellation.</b> A job whose {@link Keys#cancelled} marker exists runs no further step:
 * {@link #run} emits nothing, and a fine-tune stops after the epoch it is in ({@link
 * StepCancelledException}). The step's folder keeps what was written; nothing is emitted.
 *
 * <p>Runners are stateless beyond their {@link StageContext}; DJL trains one model at a time per
 * process, so a service runs its steps one after another.
 */
public abstract sealed class StageRunner permits RankStage, PruneStage, FinetuneStage, EvalStage {
  /** The completion event of a finished step, stored last in the step's folder. */
  public static final String EVENT_FILE = "event.json";
  /**
   * {@link JobFailed#errorType()} of a step whose runs died with their service {@link
   * StageContext#maxStepCrashes()} times.
   */
  public static final String CRASHED = "StepCrashedService";
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(StageRunner.class.getName());


  final StageContext ctx;

  StageRunner(StageContext ctx) {
    if (ctx == null) {
      throw new IllegalArgumentException("ctx: required");
    }
    this.ctx = ctx;
  }

  /** The stage whose steps this runner runs. */
  public abstract Stage stage();

  /**
   * What a consumer calls for every event it reads: if the event ends the step before one of this
   * stage's steps, runs that step. Failures and cancellations start nothing.
   *
   * @return whether a step was run (or its stored result re-emitted)
   * @throws IllegalArgumentException when the event contradicts its plan: dead-letter it
   */
  public boolean handle(PipelineEvent event, Consumer<PipelineEvent> emit) {
    if (!(event instanceof StepEvent input)) {
      return false;
    }
    JobPlan plan = ctx.plan(input.plan());
    Optional<PlanStep> next = JobFlow.nextFor(stage(), plan, event);
    next.ifPresent(step -> run(plan, step, input, emit));
    return next.isPresent();
  }

  /**
   * Runs one step of this stage for the event that ended the step before it, emitting progress
   * events (fine-tuning epochs), then the completion event or a {@link JobFailed}.
   *
   * @throws IllegalArgumentException when the step is another stage's or the event another job's
   */
  public final void run(JobPlan plan, PlanStep step, StepEvent input, Consumer<PipelineEvent> emit) {
    if (step.stage() != stage()) {
      throw new IllegalArgumentException("step: " + step.kind().id() + " is a step of stage " + step.stage().id() + ", not " + stage().id());
    }
    if (!plan.jobId().equals(input.jobId())) {
      throw new IllegalArgumentException("jobId: event of job " + input.jobId() + " given with the plan of job " + plan.jobId());
    }
    if (ctx.store().exists(Keys.cancelled(plan.jobId()))) {
      return;
    }
    String eventKey = Keys.step(plan.jobId(), step.index(), stage().id(), EVENT_FILE);
    Optional<ArtifactRef> stored = ctx.store().find(eventKey);
    if (stored.isPresent()) {
      emit.accept(EventCodec.fromBytes(ctx.store().getBytes(stored.get())));
      return;
    }
    StepEvent completion;
    int attempt = 1;
    RunRecord runs = null;
    try {
      RunRecord before = runs(plan, step);
      if (before.crashes() >= ctx.maxStepCrashes()) {
        emit.accept(crashLoop(plan, step, before));
        return;
      }
      runs = before.start();
      ctx.store().put(attemptKey(plan, step), runs.bytes());
      attempt = runs.started();
      try (StepWork work = new StepWork(ctx, plan, step, input, attempt)) {
        completion = execute(work, emit);
      }
    } catch (StepCancelledException e) {
      return;
    } catch (TopiaryException | IllegalArgumentException e) {
      if (e instanceof ArtifactStoreException && !(e instanceof ArtifactIntegrityException || e instanceof ArtifactNotFoundException)) {
        ended(plan, step, runs);
        throw e;
      }
      emit.accept(failed(plan, step, attempt, e));
      return;
    } catch (RuntimeException e) {
      ended(plan, step, runs);
      throw e;
    }
    ctx.store().put(eventKey, EventCodec.toBytes(completion));
    emit.accept(completion);
  }

  /**
   * Runs the step: the engine call and the uploads. Emits progress events through {@code
   * progress}; returns the completion event, which the caller stores and emits.
   */
  abstract StepEvent execute(StepWork work, Consumer<PipelineEvent> progress);

  /**
   * How many runs of {@code step} have started, as recorded in the store (0 when none). Each run
   * records itself before it works, so a run after a crash, a redelivery or a transient failure is
   * attempt n + 1, and its events carry that number. A step whose completion event is stored is not
   * run again: the stored event is re-emitted with the attempt that produced it.
   *
   * @throws IllegalArgumentException when the record is not a positive number (naming the object)
   */
  public int attempts(JobPlan plan, PlanStep step) {
    return runs(plan, step).started();
  }

  /** How many runs of {@code step} died with their service (started and never ended). */
  public int crashes(JobPlan plan, PlanStep step) {
    return runs(plan, step).crashes();
  }

  private RunRecord runs(JobPlan plan, PlanStep step) {
    String key = attemptKey(plan, step);
    Optional<ArtifactRef> ref = ctx.store().find(key);
    return ref.isEmpty() ? RunRecord.NONE : RunRecord.parse(key, ctx.store().getBytes(ref.get()));
  }

  /**
   * Records that the run which wrote {@code runs} ended in this process (so it is not a crash).
   * Best effort: the failure being handled may be the store's own, and then the run counts as a
   * crash, which errs on the side of stopping a job early, never of looping.
   */
  private void ended(JobPlan plan, PlanStep step, RunRecord runs) {
    if (runs == null) {
      return;
    }
    try {
      RunRecord now = runs(plan, step);
      ctx.store().put(attemptKey(plan, step), (now.started() == runs.started() ? runs : now).end().bytes());
    } catch (RuntimeException e) {
      LOG.warning("job " + plan.jobId() + " step " + step.index()
          + ": could not record that run " + runs.started() + " ended (" + e.getMessage() + "); it will count as a crash");
    }
  }

  private String attemptKey(JobPlan plan, PlanStep step) {
    return Keys.attempts(plan.jobId(), step.index(), stage().id());
  }

  private JobFailed crashLoop(JobPlan plan, PlanStep step, RunRecord runs) {
    return new JobFailed(plan.jobId(), step.index(), runs.started(), ctx.clock().instant(), stage(), CRASHED,
        "step " + step.index() + " (" + step.kind().id() + "): " + runs.crashes() + " runs died with the " + stage().id()
            + " service (killed, out of memory or a native crash; see its log), so it is not run again "
            + "(topiary.stage.max-step-crashes = " + ctx.maxStepCrashes() + ")");
  }

  private JobFailed failed(JobPlan plan, PlanStep step, int attempt, RuntimeException e) {
    String message = e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
    return new JobFailed(plan.jobId(), step.index(), attempt, ctx.clock().instant(), stage(), e.getClass().getSimpleName(),
        "step " + step.index() + " (" + step.kind().id() + "): " + message);
  }

  /** Thrown for a step kind a runner does not run; {@link #run} checks the stage first, so never. */
  static IllegalStateException unexpected(PlanStep step) {
    return new IllegalStateException("no runner for step kind " + step.kind().id());
  }
}
