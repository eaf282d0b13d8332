package io.cloudpods.sim;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A fresh self-signed RSA certificate like the one pve-cluster creates for each node. */
record SelfSignedCertificate(String certPem, String keyPem, String fingerprint) {

  static SelfSignedCertificate generate(String nodeName) {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
      kpg.initialize(2048, new SecureRandom());
      KeyPair kp = kpg.generateKeyPair();
      X500Name subject =
          new X500Name(
              "CN="
                  + nodeName
                  + ".cloudpods.invalid, OU=PVE Cluster Node, "
                  + "O=Proxmox Virtual Environment");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(64, new SecureRandom()),
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(now.plus(Duration.ofDays(730))),
              subject,
              kp.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.dNSName, nodeName),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
      builder.addExtension(Extension.basicConstraints, false, new BasicConstraints(false));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
      return new SelfSignedCertificate(
          pem(cert), pem(kp.getPrivate()), fingerprint(cert.getEncoded()));
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate the self-signed certificate", e);
    }
  }

  /** SHA-256 of the DER certificate as {@code AA:BB:...} upper-case, as Proxmox shows it. */
  static String fingerprint(byte[] der) throws java.security.NoSuchAlgorithmException {
    String hex =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(der))
            .toUpperCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < hex.length(); i += 2) {
      sb.append(i == 0 ? "" : ":").append(hex, i, i + 2);
    }
    return sb.toString();
  }

  static String randomFingerprint() {
    try {
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      return fingerprint(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(Object o) throws java.io.IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(o);
    }
    return w.toString();
  }
}
