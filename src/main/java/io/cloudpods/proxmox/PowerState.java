package io.cloudpods.proxmox;

/**
 * Power state of a guest. {@code UNKNOWN} appears in cluster resources before pvestatd has seen a
 * new guest.
 */
public enum PowerState {
  RUNNING,
  STOPPED,
  UNKNOWN;

  /** Maps the server's {@code status} text; anything unrecognised is {@code UNKNOWN}. */
  public static PowerState fromApi(String status) {
    if ("running".equals(status)) {
      return RUNNING;
    }
    if ("stopped".equals(status)) {
      return STOPPED;
    }
    return UNKNOWN;
  }
}
