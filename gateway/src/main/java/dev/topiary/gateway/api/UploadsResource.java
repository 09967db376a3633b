package dev.topiary.gateway.api;

import dev.topiary.gateway.auth.CallerTenant;
import dev.topiary.gateway.upload.DatasetUploads;
import dev.topiary.gateway.upload.ModelUploads;
import dev.topiary.gateway.upload.OnnxUploads;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** {@code /api/v1/models} and {@code /api/v1/datasets}: multipart uploads, checked, stored under server-chosen keys. */
@SecurityRequirement(name = "bearer")
@Path("/api/v1")
public class UploadsResource {
  @Inject
  ModelUploads models;

  @Inject
  OnnxUploads onnx;

  @Inject
  DatasetUploads datasets;

  @Inject
  CallerTenant caller;

  /**
   * Parts {@code graph.json} and {@code weights.safetensors}, or one part {@code model.onnx} (imported by the
   * engine); 201 with the references a job spec cites and, for ONNX, what the file holds.
   */
  @POST
  @Path("/models")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Produces(MediaType.APPLICATION_JSON)
  public Response model(@RestForm(ModelUploads.GRAPH_PART) FileUpload graph, @RestForm(ModelUploads.WEIGHTS_PART) FileUpload weights,
      @RestForm(OnnxUploads.ONNX_PART) FileUpload onnxFile) {
    if (onnxFile != null) {
      if (graph != null || weights != null) {
        List<String> given = new ArrayList<>(List.of(OnnxUploads.ONNX_PART));
        if (graph != null) {
          given.add(ModelUploads.GRAPH_PART);
        }
        if (weights != null) {
          given.add(ModelUploads.WEIGHTS_PART);
        }
        throw ApiException.badRequest(OnnxUploads.ONNX_PART, "give either " + OnnxUploads.ONNX_PART + " or " + ModelUploads.GRAPH_PART
            + " with " + ModelUploads.WEIGHTS_PART + ", not both kinds; got parts " + String.join(", ", given));
      }
      return Response.status(Response.Status.CREATED).entity(onnx.accept(caller.get(), onnxFile.fileName(), onnxFile.uploadedFile())).build();
    }
    ModelUploads.StoredModel m = models.accept(caller.get(), graph == null ? null : graph.uploadedFile(),
        weights == null ? null : weights.uploadedFile());
    return Response.status(Response.Status.CREATED).entity(m).build();
  }

  /** Part {@code kind} (a dataset kind) and one or more {@code file} parts (dataset files, or one zip); 201 with the {@code s3://} uri. */
  @POST
  @Path("/datasets")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Produces(MediaType.APPLICATION_JSON)
  public Response dataset(@RestForm(DatasetUploads.KIND_PART) String kind, @RestForm(DatasetUploads.FILE_PART) List<FileUpload> files) {
    List<DatasetUploads.Part> parts = files == null ? List.of()
        : files.stream().map(f -> new DatasetUploads.Part(f.fileName(), f.uploadedFile())).toList();
    return Response.status(Response.Status.CREATED).entity(datasets.accept(caller.get(), kind, parts)).build();
  }
}
