/**
 * Accepting jobs. {@link dev.topiary.gateway.submit.JobSubmitter} is the one path for REST and for
 * the job-requests topic: strict spec reading, the checks of what the spec cites in the store
 * ({@link dev.topiary.gateway.submit.StoredInputs}: the tenant's own uploads, present and
 * hash-matching; a cited {@code model.onnx} resolves to the model imported beside it), graph
 * checks and the model's fit to the dataset ({@link dev.topiary.gateway.submit.DatasetFit}), plan
 * compilation and storage, then {@code JobSubmitted} through {@link
 * dev.topiary.gateway.submit.EventPublisher}; if publishing fails the job's prefix is deleted.
 * {@link dev.topiary.gateway.submit.JobRequestConsumer} answers requests with {@code
 * JobSubmitted} or {@code JobRejected}.
 */
package dev.topiary.gateway.submit;
