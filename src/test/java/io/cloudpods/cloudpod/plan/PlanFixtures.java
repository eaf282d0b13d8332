package io.cloudpods.cloudpod.plan;

import io.cloudpods.cloudpod.plan.ObservedContainer.ObservedConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Fixture builders for planner tables: a desired pod and the container that matches it. */
final class PlanFixtures {

  static final String UID = "6f1c2a9e-3b7d-4c1e-9a2f-0d5e8b7c6a41";

  private PlanFixtures() {}

  static DesiredPod desired() {
    return DesiredPod.builder()
        .uid(UID)
        .tenant("acme")
        .name("web-1")
        .vmid(9101)
        .node("pve")
        .hostname("web-1")
        .cores(2)
        .memoryMb(2048)
        .swapMb(512)
        .diskGb(8)
        .templateVmid(9000)
        .storage("clients-main")
        .fullClone(true)
        .pool("ClientPods")
        .network(new DesiredPod.Network("vmbr0", "10.1.10.91", 24, "10.1.10.1"))
        .nameservers(List.of("1.1.1.1", "8.8.8.8"))
        .running(true)
        .shutdownTimeoutSeconds(60)
        .build();
  }

  static DesiredPod.Builder pod() {
    return desired().toBuilder();
  }

  static ObservedConfig matchingConfig() {
    return new ObservedConfig(
        Optional.of("web-1"),
        Optional.of(2),
        Optional.of(2048),
        Optional.of(512),
        Optional.of(8),
        Optional.of(
            "name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:5E:7A:01,ip=10.1.10.91/24,type=veth"),
        Optional.of("1.1.1.1 8.8.8.8"),
        Optional.of("0123456789abcdef0123456789abcdef01234567"));
  }

  static Set<String> ourTags() {
    return Ownership.tagsFor(UID, "acme", Optional.empty());
  }

  /** The digest of the options {@code enable=1, ipfilter=1}. */
  static final String FW_DIGEST = "5a2c1f0e9d8b7a6c5e4d3c2b1a0f9e8d7c6b5a49";

  /** A firewall as the pod wants it: enabled, ipfilter on, the set holding only its address. */
  static ObservedFirewall matchingFirewall() {
    return new ObservedFirewall(
        Map.of("enable", "1", "ipfilter", "1", "policy_in", "ACCEPT"),
        FW_DIGEST,
        Optional.of(Map.of("10.1.10.91", false)));
  }

  static ObservedContainer running() {
    return new ObservedContainer(
        9101,
        "pve",
        "lxc",
        "running",
        Optional.empty(),
        false,
        ourTags(),
        Optional.of(matchingConfig()),
        Optional.of(matchingFirewall()));
  }

  static ObservedContainer withStatus(ObservedContainer o, String status) {
    return new ObservedContainer(
        o.vmid(),
        o.node(),
        o.type(),
        status,
        o.lock(),
        o.template(),
        o.tags(),
        o.config(),
        o.firewall());
  }

  static ObservedContainer withFirewall(ObservedContainer o, Optional<ObservedFirewall> fw) {
    return new ObservedContainer(
        o.vmid(), o.node(), o.type(), o.status(), o.lock(), o.template(), o.tags(), o.config(), fw);
  }

  static ObservedContainer withLock(ObservedContainer o, String lock) {
    return new ObservedContainer(
        o.vmid(),
        o.node(),
        o.type(),
        o.status(),
        Optional.of(lock),
        o.template(),
        o.tags(),
        o.config(),
        o.firewall());
  }

  static ObservedContainer withTags(ObservedContainer o, Set<String> tags) {
    return new ObservedContainer(
        o.vmid(),
        o.node(),
        o.type(),
        o.status(),
        o.lock(),
        o.template(),
        tags,
        o.config(),
        o.firewall());
  }

  static ObservedContainer withConfig(ObservedContainer o, Optional<ObservedConfig> c) {
    return new ObservedContainer(
        o.vmid(),
        o.node(),
        o.type(),
        o.status(),
        o.lock(),
        o.template(),
        o.tags(),
        c,
        o.firewall());
  }

  static ObservedContainer withConfig(ObservedContainer o, ObservedConfig c) {
    return withConfig(o, Optional.of(c));
  }
}
