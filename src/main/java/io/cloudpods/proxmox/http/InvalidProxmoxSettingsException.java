package io.cloudpods.proxmox.http;

/** A Proxmox connection setting is missing or invalid; {@link #property()} names the property. */
public class InvalidProxmoxSettingsException extends IllegalArgumentException {

  private final String property;

  public InvalidProxmoxSettingsException(String property, String problem) {
    super(property + ": " + problem);
    this.property = property;
  }

  /** The configuration property, e.g. {@code cloudpods.proxmox.token-id}. */
  public String property() {
    return property;
  }
}
