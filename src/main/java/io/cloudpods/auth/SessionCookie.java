package io.cloudpods.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The web dashboard's session: the API token it signed in with, in an HttpOnly, SameSite=Strict
 * cookie (Secure when served over TLS). The cookie stands in for the {@code Authorization} header
 * only for GET requests that read: the dashboard's own pages and fragments and the event stream
 * they watch. The JSON API's filter ({@link AuthFilter}) never reads it, so a write can never be
 * made with the cookie (no cross-site request forgery through it).
 */
public final class SessionCookie {
  public static final String NAME = "cloudpods_session";

  private SessionCookie() {}

  /**
   * The {@code Authorization} value of a read request: its header, else the session cookie's token
   * as a bearer value; null when it has neither, or when it is not a GET.
   */
  public static String readAuthorization(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null || request.method() != HttpMethod.GET) {
      return header;
    }
    Cookie c = request.getCookie(NAME);
    if (c == null || c.getValue() == null || c.getValue().isBlank()) {
      return null;
    }
    return "Bearer " + c.getValue();
  }

  /** The cookie that keeps {@code token} for this browser session. */
  public static Cookie issue(String token, boolean secure) {
    return base(token, secure);
  }

  /** The cookie that ends the session (expired at once). */
  public static Cookie clear(boolean secure) {
    return base("", secure).setMaxAge(0);
  }

  private static Cookie base(String value, boolean secure) {
    return Cookie.cookie(NAME, value)
        .setPath("/")
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setSecure(secure);
  }
}
