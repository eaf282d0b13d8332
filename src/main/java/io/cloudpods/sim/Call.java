package io.cloudpods.sim;

import java.util.Map;

/**
 * One validated API call: merged path/query/body parameters, the authenticated identity, and the
 * controller lease it was made under ({@code X-CloudPods-Lease}, which Proxmox ignores; null when
 * absent).
 */
record Call(Map<String, String> params, String authId, String lease) {
  Call(Map<String, String> params, String authId) {
    this(params, authId, null);
  }

  String str(String k) {
    return params.get(k);
  }

  String str(String k, String def) {
    return params.getOrDefault(k, def);
  }

  boolean has(String k) {
    return params.containsKey(k);
  }

  int integer(String k) {
    return Integer.parseInt(stripPlus(params.get(k)));
  }

  int integer(String k, int def) {
    return has(k) ? integer(k) : def;
  }

  long longValue(String k, long def) {
    return has(k) ? Long.parseLong(stripPlus(params.get(k))) : def;
  }

  boolean bool(String k) {
    return "1".equals(params.get(k));
  }

  boolean bool(String k, boolean def) {
    return has(k) ? bool(k) : def;
  }

  String node() {
    return params.get("node");
  }

  int vmid() {
    return integer("vmid");
  }

  private static String stripPlus(String v) {
    return v.startsWith("+") ? v.substring(1) : v;
  }
}
