package io.cloudpods.backup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Names of the {@code Backup} objects the controller creates, deterministic so that a retried run
 * (a crash between creating some and recording the run) creates nothing twice: {@code
 * <pod>-<policy>-<yyyyMMddHHmm>} with the due time in the policy's time zone. Names stay RFC 1123
 * labels of at most 63 characters: a longer pod/policy part is cut and made unique with a short
 * hash of the whole. Pure.
 */
public final class BackupNames {

  static final int MAX = 63;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmm");

  private BackupNames() {}

  /** The scheduled backup of {@code pod} by {@code policy} for the due time {@code scheduled}. */
  public static String scheduled(String pod, String policy, Instant scheduled, ZoneId zone) {
    return fit(pod + "-" + policy, STAMP.format(scheduled.atZone(zone)));
  }

  /** The final backup of {@code pod} taken before its deletion at {@code at} (UTC). */
  public static String finalBackup(String pod, Instant at) {
    return fit(pod + "-final", STAMP.format(at.atZone(ZoneId.of("UTC"))));
  }

  /** {@code <head>-<suffix>}, the head cut (with a hash of it) so the whole is at most 63. */
  static String fit(String head, String suffix) {
    String whole = head + "-" + suffix;
    if (whole.length() <= MAX) {
      return whole;
    }
    String hash = hash(head);
    int keep = MAX - suffix.length() - hash.length() - 2;
    String cut = head.substring(0, keep);
    while (cut.endsWith("-")) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut + "-" + hash + "-" + suffix;
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 3);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
