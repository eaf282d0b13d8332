package io.cloudpods.sim;

import java.util.Map;
import java.util.OptionalInt;

/**
 * One {@code /api2/json} request as the simulator received it, for request listeners ({@link
 * ProxmoxSimulator#addRequestListener}).
 *
 * @param receivedNanos {@link System#nanoTime()} when the request reached the HTTP layer (before
 *     its body was read), comparable with other {@code nanoTime} readings of the same process
 * @param method HTTP method
 * @param path path below {@code /api2/json}, decoded
 * @param route the matched route template ({@code /nodes/{node}/lxc/{vmid}/clone}) or {@code (no
 *     route)}
 * @param params path, query and body parameters (empty when they could not be parsed)
 */
public record SimRequest(
    long receivedNanos, String method, String path, String route, Map<String, String> params) {

  /**
   * The guest this request is about: {@code newid} of a clone/create, else the {@code vmid}
   * parameter.
   */
  public OptionalInt guestVmid() {
    String v = params.get("newid");
    if (v == null) {
      v = params.get("vmid");
    }
    if (v == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(v));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** True when the request names {@code vmid} as its target, new guest or source. */
  public boolean concerns(int vmid) {
    String s = Integer.toString(vmid);
    return s.equals(params.get("vmid")) || s.equals(params.get("newid"));
  }
}
