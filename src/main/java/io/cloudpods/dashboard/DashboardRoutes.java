package io.cloudpods.dashboard;

import io.cloudpods.auth.Authenticator;
import io.cloudpods.auth.Caller;
import io.cloudpods.auth.SessionCookie;
import io.cloudpods.auth.TokenCache.Resolution;
import io.cloudpods.dashboard.Views.FilterForm;
import io.cloudpods.dashboard.Views.Header;
import io.cloudpods.dashboard.Views.Overview;
import io.cloudpods.dashboard.Views.PodList;
import io.cloudpods.dashboard.Views.PodPage;
import io.cloudpods.dashboard.Views.PodSetRow;
import io.cloudpods.dashboard.Views.TenantRow;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * The dashboard's routes on the API server's own port: the pages ({@code /}, {@code /tenants},
 * {@code /pods}, {@code /pods/{tenant}/{name}}, {@code /podsets}), sign-in and sign-out. Plain
 * Vert.x routes, like the event stream: the JSON API's filter, which reads only the {@code
 * Authorization} header, never sees them. A page answers to its session cookie (or a bearer header)
 * on GET only; a request from htmx ({@code HX-Request}) gets only the page's live part. Database
 * work and rendering run on a worker thread.
 */
@ApplicationScoped
public class DashboardRoutes {
  private static final Logger LOG = Logger.getLogger(DashboardRoutes.class);

  /** Scripts, styles and the event stream come only from this server (no CDN, no inline code). */
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  static final String SIGNED_OUT = "You are signed out.";
  static final String SESSION_ENDED =
      "Your session has ended: the token was revoked or has expired. Sign in again.";
  static final String BAD_TOKEN = "Sign-in failed: that token is not valid (unknown or revoked).";
  static final String NO_TOKEN = "Enter an API token.";
  static final String CROSS_SITE = "Refused: the form was not sent from this dashboard.";

  @CheckedTemplate(basePath = "dashboard")
  static class Templates {
    static native TemplateInstance layout(
        Header header, String title, String nav, String before, String liveUrl, String live);

    static native TemplateInstance signin(String message, boolean error);

    static native TemplateInstance overview(Overview overview);

    static native TemplateInstance tenants(List<TenantRow> tenants);

    static native TemplateInstance podFilter(FilterForm form);

    static native TemplateInstance pods(PodList list);

    static native TemplateInstance pod(PodPage page);

    static native TemplateInstance podsets(List<PodSetRow> sets);

    static native TemplateInstance notFound(String what);
  }

  /**
   * One page: its status, title, menu entry, the part above the live part, the live part, and the
   * address the live part is refreshed from (null: the page's path).
   */
  record Screen(int status, String title, String nav, String before, String live, String liveUrl) {
    Screen(int status, String title, String nav, String before, String live) {
      this(status, title, nav, before, live, null);
    }
  }

  private record Answer(int status, String html, boolean signedOut, boolean ended) {}

  private final Authenticator authenticator;
  private final DashboardViews views;
  private final DashboardConfig config;

  public DashboardRoutes(
      Authenticator authenticator, DashboardViews views, DashboardConfig config) {
    this.authenticator = authenticator;
    this.views = views;
    this.config = config;
  }

  void register(@Observes Router router) {
    if (!config.enabled()) {
      return;
    }
    router.get("/").order(-10).handler(ctx -> page(ctx, this::overview));
    router.get("/tenants").order(-10).handler(ctx -> page(ctx, this::tenants));
    router.get("/pods").order(-10).handler(ctx -> page(ctx, this::pods));
    router.get("/pods/:tenant/:name").order(-10).handler(ctx -> page(ctx, this::pod));
    router.get("/podsets").order(-10).handler(ctx -> page(ctx, this::podSets));
    router.get("/signin").order(-10).handler(this::signInForm);
    router.post("/signin").order(-10).handler(BodyHandler.create().setBodyLimit(16 * 1024));
    router.post("/signin").order(-9).handler(this::signIn);
    router.post("/signout").order(-10).handler(this::signOut);
  }

  private Screen overview(Caller caller, HttpServerRequest req) {
    return new Screen(
        200, "Overview", "overview", "", Templates.overview(views.overview(caller)).render());
  }

  private Screen tenants(Caller caller, HttpServerRequest req) {
    return new Screen(
        200, "Tenants", "tenants", "", Templates.tenants(views.tenants(caller)).render());
  }

  private Screen pods(Caller caller, HttpServerRequest req) {
    PodFilter filter =
        PodFilter.of(req.getParam("tenant"), req.getParam("phase"), req.getParam("q"))
            .within(caller.tenantFilter());
    return new Screen(
        200,
        "Pods",
        "pods",
        Templates.podFilter(views.filterForm(caller, filter)).render(),
        Templates.pods(views.pods(caller, filter)).render(),
        "/pods" + filter.query());
  }

  private Screen pod(Caller caller, HttpServerRequest req) {
    String tenant = req.getParam("tenant");
    String name = req.getParam("name");
    Optional<PodPage> page = views.pod(caller, tenant, name);
    if (page.isEmpty()) {
      return new Screen(
          404,
          "Pod not found",
          "pods",
          "",
          Templates.notFound("There is no pod " + tenant + "/" + name + " that you may see.")
              .render());
    }
    return new Screen(200, "Pod " + name, "pods", "", Templates.pod(page.get()).render());
  }

  private Screen podSets(Caller caller, HttpServerRequest req) {
    return new Screen(
        200, "PodSets", "podsets", "", Templates.podsets(views.podSets(caller)).render());
  }

  /**
   * Answers a page for the session's caller; without a session, sends the browser to the sign-in
   * page (clearing a cookie whose token no longer works).
   */
  private void page(RoutingContext ctx, BiFunction<Caller, HttpServerRequest, Screen> build) {
    HttpServerRequest req = ctx.request();
    boolean fragment = "true".equalsIgnoreCase(req.getHeader("HX-Request"));
    String authorization = SessionCookie.readAuthorization(req);
    ctx.vertx()
        .executeBlocking(
            () -> {
              Resolution r = authenticator.resolveHeader(authorization);
              if (!r.authenticated()) {
                return new Answer(401, null, true, authorization != null);
              }
              Caller caller = r.caller();
              Screen s = build.apply(caller, req);
              String html =
                  fragment
                      ? s.live()
                      : Templates.layout(
                              Header.of(caller),
                              s.title(),
                              s.nav(),
                              s.before(),
                              s.liveUrl() == null ? req.path() : s.liveUrl(),
                              s.live())
                          .render();
              return new Answer(s.status(), html, false, false);
            },
            false)
        .onComplete(
            ar -> {
              HttpServerResponse resp = ctx.response();
              if (ar.failed()) {
                LOG.warnf(ar.cause(), "dashboard page %s failed", req.path());
                html(resp, 500)
                    .end("<!DOCTYPE html><p>The dashboard could not show this page.</p>");
                return;
              }
              Answer a = ar.result();
              if (!a.signedOut()) {
                html(resp, a.status()).end(a.html());
                return;
              }
              String target = a.ended() ? "/signin?ended=1" : "/signin";
              if (a.ended()) {
                resp.addCookie(SessionCookie.clear(req.isSSL()));
              }
              if (fragment) {
                // htmx follows a redirect inside the fragment; tell it to load the page instead
                html(resp, 401).putHeader("HX-Redirect", target).end();
              } else {
                html(resp, 303).putHeader("Location", target).end();
              }
            });
  }

  private void signInForm(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String message =
        req.getParam("ended") != null
            ? SESSION_ENDED
            : req.getParam("out") != null ? SIGNED_OUT : null;
    html(ctx.response(), 200)
        .end(Templates.signin(message, req.getParam("ended") != null).render());
  }

  private void signIn(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!sameOrigin(req)) {
      html(ctx.response(), 403).end(Templates.signin(CROSS_SITE, true).render());
      return;
    }
    String token = req.getFormAttribute("token");
    if (token == null || token.isBlank()) {
      html(ctx.response(), 400).end(Templates.signin(NO_TOKEN, true).render());
      return;
    }
    String value = token.strip();
    ctx.vertx()
        .executeBlocking(() -> authenticator.resolveHeader("Bearer " + value), false)
        .onComplete(
            ar -> {
              HttpServerResponse resp = ctx.response();
              if (ar.failed()) {
                LOG.warn("dashboard sign-in failed", ar.cause());
                html(resp, 500)
                    .end(Templates.signin("Sign-in failed (server error).", true).render());
                return;
              }
              Resolution r = ar.result();
              if (!r.authenticated()) {
                String why =
                    r.failure() != null && r.failure().contains("expired")
                        ? "Sign-in failed: " + r.failure() + "."
                        : BAD_TOKEN;
                html(resp, 401).end(Templates.signin(why, true).render());
                return;
              }
              resp.addCookie(SessionCookie.issue(value, req.isSSL()));
              html(resp, 303).putHeader("Location", "/").end();
            });
  }

  private void signOut(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!sameOrigin(req)) {
      html(ctx.response(), 403).end(Templates.signin(CROSS_SITE, true).render());
      return;
    }
    ctx.response().addCookie(SessionCookie.clear(req.isSSL()));
    html(ctx.response(), 303).putHeader("Location", "/signin?out=1").end();
  }

  /**
   * A form post must come from a page of this server: its {@code Origin} (or, without one, its
   * {@code Referer}) names the host the request was sent to.
   */
  static boolean sameOrigin(HttpServerRequest req) {
    String host = req.getHeader("Host");
    String origin = req.getHeader("Origin");
    String from = origin != null ? origin : req.getHeader("Referer");
    return host != null && from != null && host.equalsIgnoreCase(authority(from));
  }

  static String authority(String url) {
    try {
      String a = URI.create(url).getRawAuthority();
      return a == null ? "" : a;
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static HttpServerResponse html(HttpServerResponse resp, int status) {
    return resp.setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("Vary", "HX-Request, Cookie");
  }
}
