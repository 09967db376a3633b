package dev.topiary.gateway.auth;

import dev.topiary.gateway.api.ErrorBody;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Answers 401 to an {@code /api} request without a known bearer token, before the body is read;
 * otherwise records the caller's tenant. Only JAX-RS resources pass here, so {@code /q/health},
 * {@code /q/metrics} and {@code /q/openapi} stay open.
 */
public class BearerTokenFilter {
  @Inject
  TenantTokens tokens;

  @Inject
  CallerTenant caller;

  @ServerRequestFilter(preMatching = true)
  public Optional<Response> authenticate(ContainerRequestContext request) {
    if (!request.getUriInfo().getPath().startsWith("/api/")) {
      return Optional.empty();
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    Optional<String> tenant = tokens.tenantOfHeader(header);
    if (tenant.isEmpty()) {
      String message = header == null ? "missing: send 'Authorization: Bearer <token>'" : "not a known bearer token";
      return Optional.of(Response.status(Response.Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON)
          .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"topiary\"")
          .entity(ErrorBody.of("Authorization", message)).build());
    }
    caller.set(tenant.get());
    return Optional.empty();
  }
}
