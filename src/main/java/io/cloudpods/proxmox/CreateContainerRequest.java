package io.cloudpods.proxmox;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code POST /nodes/{node}/lxc}: a container created from an OS template archive ({@code
 * ostemplate}, e.g. {@code local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst}).
 *
 * <p>{@code params} holds every further API parameter as its wire text; the {@link Builder} fills
 * the common ones with the right encoding (booleans {@code 0|1}, tags joined with {@code ;}). Set
 * {@code unprivileged} explicitly: its default differs between PVE 8 (privileged) and PVE 9. {@link
 * #toString()} never shows {@code password}.
 */
public record CreateContainerRequest(int vmid, String ostemplate, Map<String, String> params) {

  private static final Set<String> SECRET_KEYS = Set.of("password");

  public CreateContainerRequest {
    if (vmid < 100) {
      throw new IllegalArgumentException("vmid must be >= 100, got " + vmid);
    }
    Objects.requireNonNull(ostemplate, "ostemplate");
    params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    if (params.containsKey("vmid") || params.containsKey("ostemplate")) {
      throw new IllegalArgumentException("vmid and ostemplate are record components, not params");
    }
  }

  public static Builder builder(int vmid, String ostemplate) {
    return new Builder(vmid, ostemplate);
  }

  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>(params);
    SECRET_KEYS.forEach(k -> shown.computeIfPresent(k, (key, v) -> "***"));
    return "CreateContainerRequest[vmid="
        + vmid
        + ", ostemplate="
        + ostemplate
        + ", params="
        + shown
        + "]";
  }

  /** Fluent construction of a {@link CreateContainerRequest}. */
  public static final class Builder {
    private final int vmid;
    private final String ostemplate;
    private final Map<String, String> params = new LinkedHashMap<>();

    private Builder(int vmid, String ostemplate) {
      this.vmid = vmid;
      this.ostemplate = ostemplate;
    }

    public Builder hostname(String v) {
      return set("hostname", v);
    }

    public Builder cores(int v) {
      return set("cores", Integer.toString(v));
    }

    public Builder memoryMb(int v) {
      return set("memory", Integer.toString(v));
    }

    public Builder swapMb(int v) {
      return set("swap", Integer.toString(v));
    }

    /** Root disk as {@code <storage>:<sizeGiB>}, the create form for a new volume. */
    public Builder rootfs(String storage, int sizeGib) {
      return set("rootfs", storage + ":" + sizeGib);
    }

    public Builder net(int index, String propertyString) {
      return set("net" + index, propertyString);
    }

    public Builder nameserver(String v) {
      return set("nameserver", v);
    }

    public Builder searchdomain(String v) {
      return set("searchdomain", v);
    }

    public Builder pool(String v) {
      return set("pool", v);
    }

    public Builder unprivileged(boolean v) {
      return set("unprivileged", v ? "1" : "0");
    }

    public Builder features(String v) {
      return set("features", v);
    }

    public Builder start(boolean v) {
      return set("start", v ? "1" : "0");
    }

    public Builder onboot(boolean v) {
      return set("onboot", v ? "1" : "0");
    }

    public Builder tags(Collection<String> v) {
      return set("tags", String.join(";", v));
    }

    public Builder description(String v) {
      return set("description", v);
    }

    public Builder password(String v) {
      return set("password", v);
    }

    public Builder sshPublicKeys(String v) {
      return set("ssh-public-keys", v);
    }

    /** Any other API parameter, as its wire text. */
    public Builder set(String key, String value) {
      params.put(Objects.requireNonNull(key), Objects.requireNonNull(value, key));
      return this;
    }

    public CreateContainerRequest build() {
      return new CreateContainerRequest(vmid, ostemplate, params);
    }
  }
}
