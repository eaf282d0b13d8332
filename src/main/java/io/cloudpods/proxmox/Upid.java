package io.cloudpods.proxmox;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Proxmox task id ("UPID"), e.g. {@code
 * UPID:pve:003E968C:016E6414:63AD7D74:vzclone:9000:ctl@pve!tok:}.
 *
 * <p>Parsing is strict (the decoder regex of {@code pve-common UPID.pm}); {@link #toString()}
 * returns the original text unchanged, so a persisted UPID round-trips byte for byte. Note that for
 * clones the {@link #id()} is the <em>source</em> vmid, and for a multi-guest vzdump it is empty.
 */
public record Upid(
    String node,
    long pid,
    long pstart,
    long startTime,
    String type,
    String id,
    String user,
    String text) {

  private static final Pattern UPID =
      Pattern.compile(
          "^UPID:([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):"
              + "([0-9A-Fa-f]{8}):([^:\\s/]+):([^:\\s/]*):([^:\\s/]+):$");

  public Upid {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(text, "text");
    if (!UPID.matcher(text).matches()) {
      throw new IllegalArgumentException("not a valid Proxmox UPID: '" + text + "'");
    }
  }

  /**
   * Parses a UPID.
   *
   * @throws IllegalArgumentException if {@code text} is not a well-formed UPID
   */
  public static Upid parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("UPID is null");
    }
    Matcher m = UPID.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a valid Proxmox UPID: '" + text + "'");
    }
    return new Upid(
        m.group(1),
        Long.parseLong(m.group(3), 16),
        Long.parseLong(m.group(4), 16),
        Long.parseLong(m.group(5), 16),
        m.group(6),
        m.group(7),
        m.group(8),
        text);
  }

  /** Whether {@code text} is a well-formed UPID. */
  public static boolean isUpid(String text) {
    return text != null && UPID.matcher(text).matches();
  }

  /** The user part without the token name: {@code ctl@pve} for {@code ctl@pve!tok}. */
  public String userWithoutToken() {
    int bang = user.indexOf('!');
    return bang < 0 ? user : user.substring(0, bang);
  }

  /** The token name if the task was started with an API token. */
  public java.util.Optional<String> tokenName() {
    int bang = user.indexOf('!');
    return bang < 0 ? java.util.Optional.empty() : java.util.Optional.of(user.substring(bang + 1));
  }

  @Override
  public String toString() {
    return text;
  }
}
