package io.cloudpods.sim;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API-token authentication as pve-http-server does it: the value after {@code PVEAPIToken=} (or
 * {@code PVEAPIToken }) is URI-unescaped and split at the last {@code =}. Tokens are those given at
 * start and those made through {@code POST /access/users/{userid}/token/{tokenid}} ({@link
 * AccessControl}); what each may do is decided per route ({@link Perm}).
 */
final class Auth {
  private static final Pattern HEADER = Pattern.compile("(?:^|\\s)PVEAPIToken(?:=| )([^;]*)");

  /** Result: either an identity, or the 401 reason phrase. */
  record Result(String authId, String failure) {}

  private final AccessControl access;

  Auth(AccessControl access) {
    this.access = access;
  }

  AccessControl access() {
    return access;
  }

  Result authenticate(String authorization, String cookie) {
    if (authorization != null) {
      Matcher m = HEADER.matcher(authorization);
      if (m.find()) {
        String value;
        try {
          value = URLDecoder.decode(m.group(1).strip().replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return new Result(null, "Authentication failed!");
        }
        int eq = value.lastIndexOf('=');
        if (eq <= 0) {
          return new Result(null, "Authentication failed!");
        }
        String id = value.substring(0, eq);
        String secret = value.substring(eq + 1);
        String expected = access.secret(id);
        if (expected == null
            || !MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8))) {
          return new Result(null, "Authentication failed!");
        }
        return new Result(id, null);
      }
      if (authorization.contains("PVEAuthCookie")) {
        return new Result(null, "Authentication failed!");
      }
    }
    if (cookie != null && cookie.contains("PVEAuthCookie=")) {
      // tickets are not issued by the simulator, so any ticket is invalid
      return new Result(null, "Authentication failed!");
    }
    return new Result(null, "No ticket");
  }
}
