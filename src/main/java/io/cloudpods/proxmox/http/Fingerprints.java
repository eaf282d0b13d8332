package io.cloudpods.proxmox.http;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/** SHA-256 certificate fingerprints in Proxmox's notation {@code AA:BB:...} (32 bytes). */
public final class Fingerprints {

  private Fingerprints() {}

  /**
   * Normalises {@code AA:BB:..}, {@code aa:bb:..} or 64 bare hex digits to upper-case colon form;
   * empty if the text is not a SHA-256 fingerprint.
   */
  public static Optional<String> normalize(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String hex = text.strip().replace(":", "").toUpperCase(Locale.ROOT);
    if (!hex.matches("[0-9A-F]{64}")) {
      return Optional.empty();
    }
    StringBuilder sb = new StringBuilder(95);
    for (int i = 0; i < 64; i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(hex, i, i + 2);
    }
    return Optional.of(sb.toString());
  }

  /** The SHA-256 fingerprint of a certificate's DER encoding. */
  public static String sha256(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return normalize(HexFormat.of().formatHex(digest)).orElseThrow();
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint certificate", e);
    }
  }
}
