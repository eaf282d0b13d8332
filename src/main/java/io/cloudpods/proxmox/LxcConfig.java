package io.cloudpods.proxmox;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;

/**
 * {@code GET /nodes/{node}/lxc/{vmid}/config}: typed common keys plus {@link #raw()} with every key
 * as the server returned it (numbers as their decimal text; the {@code lxc} raw-entry list as
 * JSON).
 *
 * <p>Keys are absent when unset (the server does not fill in defaults), hence the optionals. While
 * a create or clone task runs the config holds only {@code lock: create}. {@code description} keeps
 * the trailing newline the server appends to every line. {@code nets} maps {@code net0..net31} to
 * the raw property string, ordered by index; use {@link PropertyStrings} to pick one apart.
 */
public record LxcConfig(
    Optional<String> hostname,
    OptionalInt cores,
    OptionalInt memory,
    OptionalInt swap,
    Optional<String> rootfs,
    SortedMap<Integer, String> nets,
    Optional<String> nameserver,
    Optional<String> searchdomain,
    List<String> tags,
    Optional<String> description,
    boolean template,
    Optional<String> lock,
    boolean unprivileged,
    Optional<String> features,
    boolean onboot,
    String digest,
    Map<String, String> raw) {

  public LxcConfig {
    nets = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(nets));
    tags = List.copyOf(tags);
    raw = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(raw));
  }

  /** Any key as its raw text. */
  public Optional<String> get(String key) {
    return Optional.ofNullable(raw.get(key));
  }

  /** {@code netN} parsed into its properties ({@code name}, {@code bridge}, {@code ip}, ...). */
  public Map<String, String> net(int index) {
    return PropertyStrings.parse(nets.get(index), "name");
  }

  /** The rootfs size text (e.g. {@code 8G}) if present. */
  public Optional<String> rootfsSize() {
    return rootfs.map(r -> PropertyStrings.parse(r, "volume").get("size"));
  }

  /** Whether the container is locked (any lock value). */
  public boolean isLocked() {
    return lock.isPresent();
  }
}
