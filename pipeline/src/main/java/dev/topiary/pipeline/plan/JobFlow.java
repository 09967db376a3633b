package dev.topiary.pipeline.plan;

import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.EventType;
import dev.topiary.pipeline.event.JobCancelled;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Stage;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The choreography: given the plan and the event just observed, which step runs next and which
 * stage runs it. Pure and stateless: the same plan and event always give the same answer, so a
 * duplicate event names the same next step, whose {@link dev.topiary.pipeline.event.IdempotencyKey}
 * ({@code jobId}, step index, attempt 1) the consumer has already seen.
 *
 * <p>A service's consumer reads an event, loads the plan it references, and runs {@code
 * nextFor(myStage, plan, event)} if present. Rules:
 *
 * <ul>
 *   <li>{@link JobSubmitted} ends step 0; a step event ends the step it names when its type is the
 *       step stage's {@link Stage#completion}; an {@link EpochTuned} ends its step only at the last
 *       epoch;
 *   <li>after step {@code k} comes step {@code k + 1}; after the last (the final evaluation)
 *       nothing: the job is done;
 *   <li>{@link JobFailed} and {@link JobCancelled} end the job: nothing follows;
 *   <li>an event that contradicts the plan (another job, a step out of range, a type that cannot
 *       end that step, a different epoch count) is an {@link IllegalArgumentException}: the
 *       consumer sends it to the dead-letter topic.
 * </ul>
 */
public final class JobFlow {
  private JobFlow() {}

  /** The step after the one this event ends; empty when the event ends no step, or the job. */
  public static Optional<PlanStep> next(JobPlan plan, PipelineEvent event) {
    OptionalInt done = completedStep(plan, event);
    if (done.isEmpty() || done.getAsInt() == plan.steps().size()) {
      return Optional.empty();
    }
    return Optional.of(plan.step(done.getAsInt() + 1));
  }

  /** {@link #next}, when the next step is the given stage's: what a stage's consumer asks. */
  public static Optional<PlanStep> nextFor(Stage stage, JobPlan plan, PipelineEvent event) {
    return next(plan, event).filter(s -> isMine(stage, s));
  }

  public static boolean isMine(Stage stage, PlanStep step) {
    return step.stage() == stage;
  }

  /**
   * The index of the step this event ends (0 for the submission); empty for progress events and
   * for events that end the job without a step (failure, cancellation).
   *
   * @throws IllegalArgumentException when the event contradicts the plan
   */
  public static OptionalInt completedStep(JobPlan plan, PipelineEvent event) {
    if (!plan.jobId().equals(event.jobId())) {
      throw new IllegalArgumentException("jobId: event of job " + event.jobId() + " checked against the plan of job " + plan.jobId());
    }
    if (event instanceof JobFailed || event instanceof JobCancelled) {
      return OptionalInt.empty();
    }
    if (event instanceof JobSubmitted) {
      return OptionalInt.of(0);
    }
    PlanStep step = plan.step(event.stepIndex());
    EventType expected = step.stage().completion();
    if (event.type() != expected) {
      throw new IllegalArgumentException("type: " + event.type().jsonName() + " cannot report on step " + step.index() + " ("
          + step.kind().id() + ", stage " + step.stage().id() + "), which ends with " + expected.jsonName());
    }
    if (event instanceof EpochTuned t) {
      int planned = ((PlanStep.TuningStep) step).epochs();
      if (t.epochs() != planned) {
        throw new IllegalArgumentException("epochs: EpochTuned says step " + step.index() + " has " + t.epochs() + " epochs; the plan says " + planned);
      }
      if (!t.endsStep()) {
        return OptionalInt.empty();
      }
    }
    return OptionalInt.of(step.index());
  }

  /** Whether this event ends the plan's last step: the job succeeded. */
  public static boolean finishesJob(JobPlan plan, PipelineEvent event) {
    OptionalInt done = completedStep(plan, event);
    return done.isPresent() && done.getAsInt() == plan.steps().size();
  }
}
