package io.cloudpods.auth;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every request by its {@code Authorization: Bearer <token>} header, except the
 * Quarkus endpoints under {@code /q/} (health, OpenAPI), which stay open. Deny by default: a new
 * route is protected without anyone remembering to list it. A request it cannot authenticate ends
 * with {@link UnauthenticatedException}, which the API answers with 401.
 */
public class AuthFilter {
  private final Authenticator authenticator;
  private final CurrentCaller current;

  public AuthFilter(Authenticator authenticator, CurrentCaller current) {
    this.authenticator = authenticator;
    this.current = current;
  }

  @ServerRequestFilter
  public void authenticate(ContainerRequestContext ctx) {
    String path = ctx.getUriInfo().getPath();
    if (path.startsWith("/q/") || path.equals("/q")) {
      return;
    }
    Optional<Caller> caller = authenticator.resolve(ctx.getHeaderString(HttpHeaders.AUTHORIZATION));
    if (caller.isEmpty()) {
      throw new UnauthenticatedException();
    }
    current.set(caller.get());
  }
}
