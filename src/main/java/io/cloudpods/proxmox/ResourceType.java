package io.cloudpods.proxmox;

/** The {@code type} filter of {@code GET /cluster/resources}; the server accepts exactly these. */
public enum ResourceType {
  VM("vm"),
  STORAGE("storage"),
  NODE("node"),
  SDN("sdn");

  private final String apiValue;

  ResourceType(String apiValue) {
    this.apiValue = apiValue;
  }

  /** The value sent as {@code ?type=}. */
  public String apiValue() {
    return apiValue;
  }
}
