package io.cloudpods.auth;

import io.cloudpods.apiserver.ApiError;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every request under {@code /api/} and {@code /internal/} by its {@code
 * Authorization: Bearer <token>} header. Health and OpenAPI under {@code /q/} stay open.
 */
public class AuthFilter {
  private final Authenticator authenticator;
  private final CurrentCaller current;

  public AuthFilter(Authenticator authenticator, CurrentCaller current) {
    this.authenticator = authenticator;
    this.current = current;
  }

  @ServerRequestFilter
  public Optional<Response> authenticate(ContainerRequestContext ctx) {
    String path = ctx.getUriInfo().getPath();
    if (!path.startsWith("/api/") && !path.startsWith("/internal/")) {
      return Optional.empty();
    }
    Optional<Caller> caller = authenticator.resolve(ctx.getHeaderString(HttpHeaders.AUTHORIZATION));
    if (caller.isEmpty()) {
      return Optional.of(unauthorized());
    }
    current.set(caller.get());
    return Optional.empty();
  }

  public static Response unauthorized() {
    return Response.status(401)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"cloudpods\"")
        .type(MediaType.APPLICATION_JSON)
        .entity(new ApiError(401, "Unauthorized", "a valid bearer token is required", List.of()))
        .build();
  }
}
