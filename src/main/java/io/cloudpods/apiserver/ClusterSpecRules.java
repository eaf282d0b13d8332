package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import io.cloudpods.cluster.ClusterSettings;
import io.cloudpods.proxmox.http.InvalidProxmoxSettingsException;
import io.cloudpods.proxmox.http.ProxmoxClientSettings;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of a {@code ProxmoxCluster} spec beyond its schema: the connection settings follow the
 * same rules as {@code cloudpods.proxmox.*} (token id format, https unless loopback, at most one of
 * fingerprint and CA, neither with {@code verifyTls: false}); exactly one place for the secret;
 * {@code caCert} is PEM certificates; zones do not share nodes; the VMID range is ordered.
 */
final class ClusterSpecRules {

  private ClusterSpecRules() {}

  static List<FieldError> check(ProxmoxClusterSpec spec) {
    List<FieldError> errors = new ArrayList<>();
    if ((spec.tokenSecretFile() == null) == (spec.tokenSecretEnv() == null)) {
      errors.add(
          new FieldError(
              "spec.tokenSecretFile",
              "set exactly one of tokenSecretFile (a file the controller reads) and tokenSecretEnv"
                  + " (an environment variable of the controller); the secret itself is never"
                  + " stored"));
    }
    if (spec.tokenSecretFile() != null && !spec.tokenSecretFile().startsWith("/")) {
      errors.add(new FieldError("spec.tokenSecretFile", "must be an absolute path"));
    }
    connection(spec, errors);
    if (spec.caCert() != null) {
      caCert(spec.caCert(), errors);
    }
    zones(spec.zones(), errors);
    ProxmoxClusterSpec.VmidRange r = spec.vmidRange();
    if (r != null && r.start() != null && r.end() != null && r.start() > r.end()) {
      errors.add(
          new FieldError("spec.vmidRange.end", "end " + r.end() + " is before start " + r.start()));
    }
    return errors;
  }

  private static void connection(ProxmoxClusterSpec spec, List<FieldError> errors) {
    URI url;
    try {
      url = new URI(spec.url().strip());
    } catch (URISyntaxException e) {
      errors.add(new FieldError("spec.url", "'" + spec.url() + "' is not a valid URL"));
      return;
    }
    try {
      // the secret is not known here (it is read where the controller runs); only its shape is
      new ProxmoxClientSettings(
          url,
          spec.tokenId(),
          "not-the-secret",
          spec.verifiesTls(),
          Optional.empty(),
          Optional.ofNullable(spec.fingerprint()),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1));
    } catch (InvalidProxmoxSettingsException e) {
      String field = ClusterSettings.specField(e.property()).map(f -> "spec." + f).orElse("spec");
      errors.add(new FieldError(field, e.getMessage().substring(e.property().length() + 2)));
      return;
    }
    if (spec.caCert() != null && spec.fingerprint() != null) {
      errors.add(
          new FieldError("spec.caCert", "cannot be combined with fingerprint; set one of them"));
    }
    if (spec.caCert() != null && !spec.verifiesTls()) {
      errors.add(
          new FieldError(
              "spec.verifyTls",
              "is false but caCert is set; remove one (a CA-verified server needs verifyTls)"));
    }
    if (spec.caCert() != null && "http".equals(url.getScheme())) {
      errors.add(new FieldError("spec.url", "uses http but caCert is set; use https"));
    }
  }

  private static void caCert(String pem, List<FieldError> errors) {
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      errors.add(
          new FieldError("spec.caCert", "must be PEM text (-----BEGIN CERTIFICATE----- ...)"));
      return;
    }
    try {
      var certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
      if (certs.isEmpty()) {
        errors.add(new FieldError("spec.caCert", "holds no certificate"));
      }
    } catch (CertificateException e) {
      errors.add(new FieldError("spec.caCert", "is not a readable certificate: " + e.getMessage()));
    }
  }

  private static void zones(List<ProxmoxClusterSpec.Zone> zones, List<FieldError> errors) {
    if (zones == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    Map<String, String> zoneOfNode = new HashMap<>();
    for (int i = 0; i < zones.size(); i++) {
      ProxmoxClusterSpec.Zone z = zones.get(i);
      if (!names.add(z.name())) {
        errors.add(
            new FieldError("spec.zones[" + i + "].name", "zone " + z.name() + " is listed twice"));
      }
      List<String> nodes = z.nodes() == null ? List.of() : z.nodes();
      for (int j = 0; j < nodes.size(); j++) {
        String other = zoneOfNode.putIfAbsent(nodes.get(j), z.name());
        if (other != null) {
          errors.add(
              new FieldError(
                  "spec.zones[" + i + "].nodes[" + j + "]",
                  "node " + nodes.get(j) + " is already in zone " + other));
        }
      }
    }
  }
}
