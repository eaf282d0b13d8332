package io.cloudpods.proxmox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /nodes/{node}/vzdump} for the given guests. {@code mode} is {@code snapshot}, {@code
 * suspend} or {@code stop}; {@code compress} e.g. {@code zstd}. {@code extra} carries any other
 * parameter as wire text ({@code notes-template}, {@code protected}, {@code remove}, ...).
 */
public record VzdumpRequest(
    List<Integer> vmids,
    Optional<String> storage,
    Optional<String> mode,
    Optional<String> compress,
    Map<String, String> extra) {

  public VzdumpRequest {
    vmids = List.copyOf(vmids);
    if (vmids.isEmpty()) {
      throw new IllegalArgumentException("vzdump needs at least one vmid");
    }
    extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /** Back up one guest to {@code storage} with zstd compression in snapshot mode. */
  public static VzdumpRequest of(int vmid, String storage) {
    return new VzdumpRequest(
        List.of(vmid),
        Optional.of(storage),
        Optional.of("snapshot"),
        Optional.of("zstd"),
        Map.of());
  }
}
