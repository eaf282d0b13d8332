package io.cloudpods.proxmox;

import java.util.Map;
import java.util.Set;

/**
 * An entry of {@code GET /storage} (storage.cfg). {@code shared}/{@code disabled} are false when
 * not configured; {@code raw} holds every key as text (type specific: {@code path}, {@code pool},
 * ...).
 */
public record StorageConfig(
    String storage,
    String type,
    Set<String> content,
    boolean shared,
    boolean disabled,
    Map<String, String> raw) {

  public StorageConfig {
    content = Set.copyOf(content);
    raw = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(raw));
  }
}
