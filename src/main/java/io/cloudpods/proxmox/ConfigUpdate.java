package io.cloudpods.proxmox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code PUT /nodes/{node}/lxc/{vmid}/config}: keys to set (wire text), keys to delete, and an
 * optional digest of the config the change was computed from (the server then refuses with a digest
 * conflict if the config changed meanwhile). At least one key to set or delete is required, and a
 * key may not be both set and deleted (the server rejects both).
 */
public record ConfigUpdate(Map<String, String> set, List<String> delete, Optional<String> digest) {

  public ConfigUpdate {
    set = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(set));
    delete = List.copyOf(delete);
    Objects.requireNonNull(digest, "digest");
    if (set.isEmpty() && delete.isEmpty()) {
      throw new IllegalArgumentException("config update needs at least one key to set or delete");
    }
    for (String key : delete) {
      if (set.containsKey(key)) {
        throw new IllegalArgumentException("key '" + key + "' is both set and deleted");
      }
    }
    if (set.containsKey("delete") || set.containsKey("digest")) {
      throw new IllegalArgumentException(
          "'delete' and 'digest' are record components, not keys to set");
    }
  }

  public static ConfigUpdate set(Map<String, String> set) {
    return new ConfigUpdate(set, List.of(), Optional.empty());
  }

  /** The same update, guarded by {@code digest}. */
  public ConfigUpdate withDigest(String digest) {
    return new ConfigUpdate(set, delete, Optional.of(digest));
  }
}
