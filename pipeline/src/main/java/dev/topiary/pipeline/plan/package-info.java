/**
 * The job plan and the choreography that runs it without a central orchestrator.
 *
 * <p>{@link dev.topiary.pipeline.plan.PlanCompiler} turns a valid spec and the model's graph into
 * a {@link dev.topiary.pipeline.plan.JobPlan}: the spec plus an ordered list of {@link
 * dev.topiary.pipeline.plan.PlanStep}s, each run by one stage. The gateway stores the plan once as
 * {@code plan.json} ({@link dev.topiary.pipeline.plan.PlanJson}) and every step event carries its
 * reference. Each service calls {@link dev.topiary.pipeline.plan.JobFlow}, a pure function of the
 * plan and the event just observed, to learn whether a step of its own comes next.
 */
package dev.topiary.pipeline.plan;
