package dev.topiary.gateway.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.gateway.GatewayConfig;
import dev.topiary.gateway.auth.CallerTenant;
import dev.topiary.gateway.report.JobReport;
import dev.topiary.gateway.report.ReportHtml;
import dev.topiary.gateway.report.SensitivityHtml;
import dev.topiary.gateway.submit.JobCanceller;
import dev.topiary.gateway.submit.JobSubmitter;
import dev.topiary.gateway.view.JobDetails;
import dev.topiary.gateway.view.JobState;
import dev.topiary.gateway.view.JobView;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.PlanJson;
import dev.topiary.pipeline.store.ArtifactStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** {@code /api/v1/jobs}: submit, list, inspect, report, download and cancel the caller's jobs. */
@SecurityRequirement(name = "bearer")
@Path("/api/v1/jobs")
public class JobsResource {
  static final String YAML = "application/yaml";
  static final String TEXT_YAML = "text/yaml";

  @Inject
  JobSubmitter submitter;

  @Inject
  JobCanceller canceller;

  @Inject
  JobView view;

  @Inject
  CallerTenant caller;

  @Inject
  ArtifactStore store;

  @Inject
  GatewayConfig config;

  @Inject
  ObjectMapper json;

  /** Validates a JSON or YAML job spec and, when valid, starts the job: 201 with its id and compiled plan. */
  @POST
  @Consumes({MediaType.APPLICATION_JSON, YAML, TEXT_YAML})
  @Produces(MediaType.APPLICATION_JSON)
  public Response submit(String body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) throws JacksonException {
    JobSpecs.Format format = contentType != null && contentType.toLowerCase(Locale.ROOT).contains("yaml") ? JobSpecs.Format.YAML : JobSpecs.Format.JSON;
    JobSubmitter.Accepted accepted = submitter.submit(caller.get(), body, format, JobSubmitter.newJobId(), null);
    ObjectNode out = json.createObjectNode().put("jobId", accepted.jobId());
    out.set("plan", json.readTree(PlanJson.toJson(accepted.plan())));
    return Response.created(URI.create("/api/v1/jobs/" + accepted.jobId())).entity(out).build();
  }

  /** The caller's jobs, newest first, {@code size} per page from page 0, optionally only those in one {@code state}. */
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public JobView.Page list(@QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("20") int size,
      @QueryParam("state") String state) {
    if (page < 0) {
      throw ApiException.badRequest("page", "must be >= 0, got " + page);
    }
    if (size < 1 || size > config.maxPageSize()) {
      throw ApiException.badRequest("size", "must be in [1, " + config.maxPageSize() + "], got " + size);
    }
    return view.list(caller.get(), phase(state), page, size);
  }

  @GET
  @Path("/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  public JobDetails get(@PathParam("id") String id) {
    return job(id).details();
  }

  @GET
  @Path("/{id}/report")
  @Produces(MediaType.APPLICATION_JSON)
  public JobReport report(@PathParam("id") String id) {
    return JobReport.of(job(id).details());
  }

  @GET
  @Path("/{id}/report")
  @Produces(MediaType.TEXT_HTML)
  public Response reportHtml(@PathParam("id") String id, @QueryParam("download") @DefaultValue("false") boolean download) {
    JobReport report = JobReport.of(job(id).details());
    String plot = SensitivityHtml.plot(store, report.sensitivity());
    Response.ResponseBuilder r = Response.ok(ReportHtml.render(report, plot), MediaType.TEXT_HTML_TYPE.withCharset("utf-8"));
    if (download) {
      r.header("Content-Disposition", "attachment; filename=\"" + id + "-report.html\"");
    }
    return r.build();
  }

  /**
   * The pruned model (the final evaluation's model): {@code format} zip (default, the model folder) or onnx
   * ({@code foldBn} folds BatchNorm first); 409 until the job completed.
   */
  @GET
  @Path("/{id}/model")
  @Produces({"application/zip", MediaType.APPLICATION_OCTET_STREAM})
  public Response model(@PathParam("id") String id, @QueryParam("format") String format,
      @QueryParam("foldBn") @DefaultValue("false") boolean foldBn) {
    JobState job = job(id);
    ModelEvaluated last = job.finalEvaluation();
    if (last == null) {
      throw ApiException.conflict("state", "job " + id + " is " + job.details().state() + "; the pruned model exists once it completed");
    }
    return ModelDownloads.respond(store, last.artifacts().model(), format, foldBn, id + "-model");
  }

  /** Cancels the job; an optional JSON body {@code {"reason": "..."}}. 202 with the marker and the event. */
  @POST
  @Path("/{id}/cancel")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response cancel(@PathParam("id") String id, String body) {
    JobState job = job(id);
    String reason = null;
    if (body != null && !body.isBlank()) {
      try {
        JsonNode n = json.readTree(body);
        if (!n.isObject() || (n.has("reason") && !n.get("reason").isTextual())) {
          throw ApiException.badRequest("reason", "expected a body {\"reason\": \"...\"}");
        }
        reason = n.path("reason").asText(null);
      } catch (JacksonException e) {
        throw ApiException.badRequest("", "malformed JSON: " + e.getOriginalMessage());
      }
    }
    return Response.accepted(canceller.cancel(job, caller.get(), reason)).build();
  }

  JobState job(String id) {
    return OwnJobs.find(view, caller.get(), id);
  }

  private static JobState.Phase phase(String state) {
    if (state == null || state.isBlank()) {
      return null;
    }
    return Arrays.stream(JobState.Phase.values()).filter(p -> p.id().equals(state)).findFirst().orElseThrow(() ->
        ApiException.badRequest("state", "unknown state '" + state + "', expected one of "
            + Arrays.stream(JobState.Phase.values()).map(JobState.Phase::id).toList()));
  }
}
