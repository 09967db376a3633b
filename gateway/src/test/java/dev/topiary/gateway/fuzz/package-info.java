/**
 * The gateway's fuzz suite (issue 16). {@link dev.topiary.gateway.fuzz.FuzzCases} deals seeded,
 * named malformed inputs over five categories: job specs in JSON and YAML ({@code SpecFields},
 * {@code SpecDocuments}), model uploads ({@code ModelCases}, {@code SafetensorsCases}), ONNX
 * uploads and dataset uploads; {@link dev.topiary.gateway.fuzz.FuzzTest} sends them and holds the
 * gateway to a 4xx naming the field, nothing stored. {@link dev.topiary.gateway.fuzz.RecordFuzzTest}
 * writes bad records straight to the job-requests topic and every event topic. Run long with
 * {@code -Dtopiary.fuzz.cases=N -Dtopiary.fuzz.records=N -Dtopiary.fuzz.seed=S}.
 */
package dev.topiary.gateway.fuzz;
