package dev.topiary.gateway.api;

import dev.topiary.gateway.submit.EventPublisher;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The small mappers from refusals to HTTP answers, each with an {@link ErrorBody}. */
public class ApiExceptionMapper {
  @ConfigProperty(name = "quarkus.http.limits.max-form-attribute-size", defaultValue = "2048")
  MemorySize maxFormAttribute;

  @ServerExceptionMapper
  public Response refused(ApiException e) {
    return response(e);
  }

  /** A refusal's answer: its status and body, and {@code Retry-After} for a 429; also for filters, which answer before any resource. */
  public static Response response(ApiException e) {
    Response.ResponseBuilder r = Response.status(e.status()).type(MediaType.APPLICATION_JSON).entity(new ErrorBody(e.errors()));
    if (e instanceof TooManyRequestsException t) {
      r.header(HttpHeaders.RETRY_AFTER, t.retryAfterSeconds());
    }
    return r.build();
  }

  @ServerExceptionMapper
  public Response notPublished(EventPublisher.PublishException e) {
    return json(503, ErrorBody.of("", "the event bus did not acknowledge the event; try again"));
  }

  @ServerExceptionMapper
  public Response unsupportedType(NotSupportedException e) {
    return json(415, ErrorBody.of(HttpHeaders.CONTENT_TYPE,
        "unsupported content type; job specs are application/json, application/yaml or text/yaml, uploads multipart/form-data"));
  }

  @ServerExceptionMapper
  public Response notAcceptable(NotAcceptableException e) {
    return json(406, ErrorBody.of(HttpHeaders.ACCEPT, "cannot answer in the requested media type"));
  }

  @ServerExceptionMapper
  public Response notAllowed(NotAllowedException e) {
    return json(405, ErrorBody.of("", "method not allowed here; allowed: " + e.getResponse().getAllowedMethods()));
  }

  /**
   * The HTTP layer's own refusals, with no body of their own: a multipart field without a file
   * name longer than {@code quarkus.http.limits.max-form-attribute-size} is a 413 before any
   * resource runs. Found by the fuzz (a 10000-character {@code kind}); other statuses pass as they were.
   */
  @ServerExceptionMapper
  public Response httpLayer(WebApplicationException e) {
    if (e.getResponse().getStatus() == 413) {
      return json(413, ErrorBody.of("", "a multipart field without a file name is over the limit of " + maxFormAttribute.asLongValue()
          + " bytes; send files as file parts (with a file name)"));
    }
    return e.getResponse();
  }

  @ServerExceptionMapper
  public Response notFound(NotFoundException e) {
    return json(404, ErrorBody.of("", "no such resource"));
  }

  private static Response json(int status, ErrorBody body) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
  }
}
