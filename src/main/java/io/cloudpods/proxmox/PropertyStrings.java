package io.cloudpods.proxmox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Proxmox "property strings" such as {@code name=eth0,bridge=vmbr0,ip=10.1.10.91/24} or {@code
 * clients-main:subvol-9101-disk-0,size=8G}. A leading element without {@code =} is returned under
 * {@code defaultKey} (the volume for disks).
 */
public final class PropertyStrings {

  private PropertyStrings() {}

  /** Parses {@code value}; keys keep their order. */
  public static Map<String, String> parse(String value, String defaultKey) {
    Map<String, String> out = new LinkedHashMap<>();
    if (value == null || value.isBlank()) {
      return out;
    }
    for (String part : value.split(",")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq < 0) {
        out.put(defaultKey, part);
      } else {
        out.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return out;
  }

  /** Formats entries as {@code k=v,...}; an entry under {@code defaultKey} is written bare. */
  public static String format(Map<String, String> values, String defaultKey) {
    StringBuilder sb = new StringBuilder();
    values.forEach(
        (k, v) -> {
          if (sb.length() > 0) {
            sb.append(',');
          }
          if (k.equals(defaultKey)) {
            sb.append(v);
          } else {
            sb.append(k).append('=').append(v);
          }
        });
    return sb.toString();
  }
}
