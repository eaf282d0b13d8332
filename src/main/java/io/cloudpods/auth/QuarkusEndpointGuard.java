package io.cloudpods.auth;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The Quarkus endpoints under {@code /q/} are served by Vert.x routes, outside the REST filter:
 * only the health probes ({@code /q/health} and below) stay open, everything else there (OpenAPI
 * document, any UI) needs a token of any role.
 */
@ApplicationScoped
public class QuarkusEndpointGuard {
  private final Authenticator authenticator;

  public QuarkusEndpointGuard(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  void register(@Observes Router router) {
    router.route().order(-200).handler(this::guard);
  }

  static boolean open(String path) {
    return path.equals("/q/health") || path.startsWith("/q/health/");
  }

  private void guard(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (!(path.equals("/q") || path.startsWith("/q/")) || open(path)) {
      ctx.next();
      return;
    }
    String authorization = ctx.request().getHeader("Authorization");
    ctx.vertx()
        .executeBlocking(() -> authenticator.resolveHeader(authorization), false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
              }
              if (ar.result().authenticated()) {
                ctx.next();
                return;
              }
              String message = ar.result().failure();
              ctx.response()
                  .setStatusCode(401)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("WWW-Authenticate", UnauthenticatedException.CHALLENGE)
                  .end(
                      "{\"code\":401,\"reason\":\"Unauthorized\",\"message\":"
                          + quote(message)
                          + ",\"details\":[]}");
            });
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
