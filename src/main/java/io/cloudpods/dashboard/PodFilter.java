package io.cloudpods.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The pod list's filter: a tenant, a phase and a text that must occur (ignoring case) in the pod's
 * name, address, node, VMID or Ready reason. A blank field filters nothing.
 */
public record PodFilter(String tenant, String phase, String text) {
  /** Longest text accepted: longer input is cut, never an error. */
  static final int MAX_TEXT = 100;

  public static final PodFilter NONE = new PodFilter(null, null, null);

  public static PodFilter of(String tenant, String phase, String text) {
    String t = blankToNull(text);
    if (t != null && t.length() > MAX_TEXT) {
      t = t.substring(0, MAX_TEXT);
    }
    return new PodFilter(blankToNull(tenant), blankToNull(phase), t);
  }

  /** The same filter restricted to {@code forcedTenant}, unless that is null. */
  public PodFilter within(String forcedTenant) {
    return forcedTenant == null ? this : new PodFilter(forcedTenant, phase, text);
  }

  public boolean matches(PodRow p) {
    if (tenant != null && !tenant.equals(p.tenant())) {
      return false;
    }
    if (phase != null && !phase.equals(p.phase())) {
      return false;
    }
    if (text == null) {
      return true;
    }
    String needle = text.toLowerCase(Locale.ROOT);
    return contains(p.name(), needle)
        || contains(p.ip(), needle)
        || contains(p.node(), needle)
        || contains(p.reason(), needle)
        || (p.vmid() != null && String.valueOf(p.vmid()).contains(needle));
  }

  /** The filter as a query string ({@code ?tenant=…&phase=…&q=…}), empty when there is none. */
  public String query() {
    StringBuilder b = new StringBuilder();
    append(b, "tenant", tenant);
    append(b, "phase", phase);
    append(b, "q", text);
    return b.toString();
  }

  private static void append(StringBuilder b, String key, String value) {
    if (value != null) {
      b.append(b.length() == 0 ? '?' : '&')
          .append(key)
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  private static boolean contains(String haystack, String needle) {
    return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
