package io.cloudpods.tls;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The API server's certificate as PEM text: a self-signed one generated for {@code serve --tls},
 * and the SHA-256 fingerprint by which a client pins it ({@code AA:BB:...}, as Proxmox and {@code
 * openssl x509 -fingerprint -sha256} show it).
 */
public record ServerCertificate(String certPem, String keyPem, String fingerprint) {

  /** How long a generated certificate is valid. */
  static final Duration VALIDITY = Duration.ofDays(825);

  /**
   * A fresh self-signed server certificate (EC P-256) for {@code localhost}, 127.0.0.1, ::1 and
   * each of {@code names} (host names or IP addresses; wildcard addresses are skipped).
   */
  public static ServerCertificate selfSigned(Collection<String> names) {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(256, new SecureRandom());
      KeyPair kp = kpg.generateKeyPair();
      X500Name subject = new X500Name("CN=CloudPods API (self-signed), O=CloudPods");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(64, new SecureRandom()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(VALIDITY)),
              subject,
              kp.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName, false, new GeneralNames(subjectNames(names)));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      return new ServerCertificate(
          pem("CERTIFICATE", cert.getEncoded()),
          pem("PRIVATE KEY", kp.getPrivate().getEncoded()),
          fingerprint(cert));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate a self-signed certificate", e);
    }
  }

  private static GeneralName[] subjectNames(Collection<String> names) {
    Set<String> all = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    all.addAll(names);
    List<GeneralName> out = new ArrayList<>();
    for (String n : all) {
      if (n == null || n.isBlank() || n.equals("0.0.0.0") || n.equals("::")) {
        continue;
      }
      out.add(new GeneralName(isAddress(n) ? GeneralName.iPAddress : GeneralName.dNSName, n));
    }
    return out.toArray(GeneralName[]::new);
  }

  /** The first certificate of a PEM file (the server's own, ahead of any chain). */
  public static X509Certificate readFirst(Path pemFile) throws IOException {
    try (InputStream in = Files.newInputStream(pemFile)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (GeneralSecurityException e) {
      throw new IOException(pemFile + " holds no X.509 certificate: " + e.getMessage(), e);
    }
  }

  /** SHA-256 of the DER certificate, upper-case hex pairs joined by colons. */
  public static String fingerprint(X509Certificate cert) {
    try {
      String hex =
          HexFormat.of()
              .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()))
              .toUpperCase(Locale.ROOT);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < hex.length(); i += 2) {
        sb.append(i == 0 ? "" : ":").append(hex, i, i + 2);
      }
      return sb.toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code host} is a literal address (no name lookup is made). */
  static boolean isAddress(String host) {
    return host.contains(":") || host.matches("[0-9.]+");
  }

  /** The loopback address of the family of {@code host}, to reach a wildcard listener. */
  static String loopbackFor(String host) {
    return host.contains(":") ? "::1" : InetAddress.getLoopbackAddress().getHostAddress();
  }

  /** PEM text; the key as PKCS#8 ("PRIVATE KEY"), which every TLS stack reads. */
  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
