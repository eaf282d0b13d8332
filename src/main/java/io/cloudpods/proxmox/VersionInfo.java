package io.cloudpods.proxmox;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /version}. {@code version} is the full pve-manager version ({@code "8.2.4"} on PVE 8+,
 * {@code "7.4-16"} on PVE 7), {@code release} the major.minor release ({@code "8.2"}).
 */
public record VersionInfo(String version, String release, String repoid) {

  private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)");

  /** Major version, e.g. 8; 0 if it cannot be read. */
  public int major() {
    return part(1);
  }

  /** Minor version, e.g. 2 for 8.2; 0 if it cannot be read. */
  public int minor() {
    return part(2);
  }

  /** Whether this server is at least {@code major.minor}. */
  public boolean atLeast(int major, int minor) {
    return major() > major || (major() == major && minor() >= minor);
  }

  private int part(int group) {
    for (String candidate : new String[] {release, version}) {
      if (candidate != null) {
        Matcher m = MAJOR_MINOR.matcher(candidate);
        if (m.find()) {
          return Integer.parseInt(m.group(group));
        }
      }
    }
    return 0;
  }
}
