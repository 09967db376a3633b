package dev.topiary.gateway.ratelimit;

import dev.topiary.gateway.api.ApiExceptionMapper;
import dev.topiary.gateway.api.TooManyRequestsException;
import dev.topiary.gateway.auth.CallerTenant;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The upload budget ({@link TenantRateLimits#takeUpload}) on {@code POST /api/v1/models} and
 * {@code /api/v1/datasets}: checked right after the bearer token ({@code BearerTokenFilter} runs
 * first, at the default priority), before the body is read, so that an upload past the limit
 * costs no transfer. An upload that is not stored (any answer but 2xx) gives its token back.
 */
public class UploadRateFilter {
  /** The request property holding the tenant whose upload token this request took. */
  static final String TAKEN = UploadRateFilter.class.getName() + ".tenant";
  private static final Set<String> UPLOADS = Set.of("/api/v1/models", "/api/v1/datasets");

  @Inject
  TenantRateLimits limits;

  @Inject
  CallerTenant caller;

  @ServerRequestFilter(preMatching = true, priority = Priorities.USER + 10)
  public Optional<Response> admit(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath().replaceAll("/+$", "");
    if (!HttpMethod.POST.equals(request.getMethod()) || !UPLOADS.contains(path)) {
      return Optional.empty();
    }
    String tenant = caller.get();
    try {
      limits.takeUpload(tenant);
    } catch (TooManyRequestsException e) {
      return Optional.of(ApiExceptionMapper.response(e));
    }
    request.setProperty(TAKEN, tenant);
    return Optional.empty();
  }

  @ServerResponseFilter
  public void giveBackUnstored(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getProperty(TAKEN) instanceof String tenant && response.getStatusInfo().getFamily() != Response.Status.Family.SUCCESSFUL) {
      limits.giveBackUpload(tenant);
    }
  }
}
