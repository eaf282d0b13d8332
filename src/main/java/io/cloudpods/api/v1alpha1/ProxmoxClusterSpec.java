package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Where a Proxmox cluster is and how to reach it. The token secret itself is never part of the
 * spec: {@code tokenSecretFile} names a file and {@code tokenSecretEnv} an environment variable of
 * the controller process that holds it (exactly one of them). {@code fingerprint} pins the server
 * certificate (SHA-256, as Proxmox prints it); {@code caCert} is a PEM CA certificate to trust; at
 * most one of them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProxmoxClusterSpec(
    String region,
    List<Zone> zones,
    String url,
    String tokenId,
    String tokenSecretFile,
    String tokenSecretEnv,
    String fingerprint,
    String caCert,
    Boolean verifyTls,
    ClusterDefaults defaults,
    VmidRange vmidRange) {

  /** A zone: a named set of the cluster's nodes. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Zone(String name, List<String> nodes) {}

  /** What pods placed on this cluster get when their spec does not say. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ClusterDefaults(Integer template, String storage, String pool, String bridge) {}

  /** The VMIDs the controller may give new containers on this cluster. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VmidRange(Integer start, Integer end) {}

  public boolean verifiesTls() {
    return verifyTls == null || verifyTls;
  }
}
