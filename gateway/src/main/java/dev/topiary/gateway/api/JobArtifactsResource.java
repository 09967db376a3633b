package dev.topiary.gateway.api;

import dev.topiary.gateway.auth.CallerTenant;
import dev.topiary.gateway.view.JobState;
import dev.topiary.gateway.view.JobView;
import dev.topiary.gateway.view.ModelArtifact;
import dev.topiary.pipeline.store.ArtifactStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** {@code /api/v1/jobs/{id}/artifacts}: the models a job produced, by step, each downloadable as a zip or as ONNX. */
@SecurityRequirement(name = "bearer")
@Path("/api/v1/jobs/{id}/artifacts")
public class JobArtifactsResource {
  /** The listing: the job and its models in step order, the submission's first. */
  public record Listing(String jobId, List<ModelArtifact> models) {}

  @Inject
  JobView view;

  @Inject
  CallerTenant caller;

  @Inject
  ArtifactStore store;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Listing list(@PathParam("id") String id) {
    return new Listing(id, job(id).models());
  }

  /** The model step {@code step} ended with; {@code format} zip (default) or onnx, {@code foldBn} for onnx. */
  @GET
  @Path("/{step}/model")
  @Produces({"application/zip", MediaType.APPLICATION_OCTET_STREAM})
  public Response model(@PathParam("id") String id, @PathParam("step") String step, @QueryParam("format") String format,
      @QueryParam("foldBn") @DefaultValue("false") boolean foldBn) {
    JobState job = job(id);
    int index;
    try {
      index = Integer.parseInt(step);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("step", "expected a step index (0 for the submission), got '" + step + "'");
    }
    ModelArtifact m = job.model(index).orElseThrow(() -> new ApiException(404, List.of(new ErrorBody.FieldError("step",
        "job " + id + " has no model at step " + index + "; GET /api/v1/jobs/" + id + "/artifacts lists the steps that have one"))));
    return ModelDownloads.respond(store, m.model(), format, foldBn, id + "-step" + index);
  }

  private JobState job(String id) {
    return OwnJobs.find(view, caller.get(), id);
  }
}
