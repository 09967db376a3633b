/**
 * The job spec: what a user asks Topiary to do, as JSON or YAML, and its strict reading and
 * validation.
 *
 * <p>{@link dev.topiary.pipeline.job.JobSpecs} parses text into a {@link
 * dev.topiary.pipeline.job.JobSpec} (immutable records, defaults filled in) or throws {@link
 * dev.topiary.pipeline.job.InvalidJobSpecException} listing every problem as a {@link
 * dev.topiary.pipeline.job.SpecProblem} (field path, message), fit for a 400 answer: unknown fields,
 * wrong types, ranges, combinations, and the checks that need the model's graph (one compress rate
 * per Conv, node names, a dry run of per-layer cuts). The records themselves check nothing beyond
 * copying lists, so that a partly wrong spec can still be examined and all its problems reported;
 * a spec built by hand is checked with {@code JobSpecs.problems}. The field table is in DESIGN.md.
 */
package dev.topiary.pipeline.job;
