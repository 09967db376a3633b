package dev.topiary.gateway.api;

import dev.topiary.gateway.view.JobState;
import dev.topiary.gateway.view.JobView;

/**
 * The one lookup of a job by id, for every endpoint that takes one (the job, its events, report,
 * models, artifacts and cancel). Another tenant's job and a job that does not exist answer the
 * same 404 with the same message, {@code job <id> not found}, after the same work: one read of
 * the in-memory view, filtered by tenant ({@link JobView#find}), before anything else of the
 * request is looked at and before any store read. Nothing in the answer or its timing tells a
 * prober that another tenant's job exists.
 */
final class OwnJobs {
  private OwnJobs() {}

  /** The tenant's job; @throws ApiException 404 when it is missing or another tenant's */
  static JobState find(JobView view, String tenant, String id) {
    return view.find(tenant, id).orElseThrow(() -> ApiException.notFound("job " + id));
  }
}
