package io.cloudpods.auth;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every REST request by its {@code Authorization: Bearer <token>} header. Deny by
 * default: a new route is protected without anyone remembering to list it. A request it cannot
 * authenticate ends with {@link UnauthenticatedException}, which the API answers with 401 (an
 * expired token's message says so). The Quarkus endpoints under {@code /q/} are not REST resources;
 * {@link QuarkusEndpointGuard} protects them.
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
    current.set(authenticator.authenticate(ctx.getHeaderString(HttpHeaders.AUTHORIZATION)));
  }
}
