package io.cloudpods.cloudpod;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An address named in {@code spec.ip} gets the checks a chosen one gets, in the reconciler too (a
 * pod written by SQL never went through admission): refused with IpConflict on the pod and an
 * event, nothing reserved, nothing asked of Proxmox.
 */
class ExplicitAddressTest {

  private final PodHarness h = new PodHarness();

  private static CloudPodSpec withIp(String ip, String pool) {
    CloudPodSpec s = PodHarness.spec().withIpAndVmid(ip, null);
    return new CloudPodSpec(
        s.cores(),
        s.memoryMb(),
        s.swapMb(),
        s.diskGb(),
        s.template(),
        s.storage(),
        pool,
        s.ip(),
        s.vmid(),
        s.node(),
        s.powerState(),
        s.cloneMode(),
        s.allowRestart());
  }

  /** A pool whose range covers its whole /24, network and broadcast address included. */
  private void widePool() {
    h.poolSpecs.put(
        "wide",
        new IpPoolSpec(
            "10.1.20.0/24",
            "10.1.20.1",
            "10.1.20.0",
            "10.1.20.255",
            "vmbr0",
            List.of("1.1.1.1"),
            List.of("10.1.20.2")));
  }

  private void assertRefused(String name, String messagePart) {
    assertThat(h.reason(name, "Provisioned")).isEqualTo(CloudPodConditions.IP_CONFLICT);
    assertThat(h.condition(name, "Provisioned").orElseThrow().message())
        .startsWith("spec.ip: ")
        .contains(messagePart);
    assertThat(h.status(name).phase()).isEqualTo(CloudPodConditions.PHASE_FAILED);
    assertThat(h.events.reasons()).containsOnlyOnce(CloudPodConditions.IP_CONFLICT);
    assertThat(
            h.ledger
                .find(
                    java.util.UUID.fromString(h.pods.pod(PodHarness.TENANT, name).metadata().uid()))
                .map(a -> a.ip()))
        .as("no address reserved")
        .isEmpty();
    assertThat(h.proxmox.mutations()).isEmpty();
  }

  @Test
  void explicitAddressOnAForeignGuest_isRefusedBeforeItIsReserved() throws Exception {
    h.proxmox.addForeignContainer(
        "pve",
        300,
        Map.of(
            "hostname", "infra", "net0", "name=eth0,bridge=vmbr0,ip=10.1.10.60/24,gw=10.1.10.1"));
    h.cluster.refresh();
    h.create("web-1", withIp("10.1.10.60", "default"));
    h.proxmox.clearJournal();

    h.pass("web-1");
    h.pass("web-1");

    assertRefused("web-1", "configured on guest 300");
  }

  @Test
  void explicitAddressAnsweringOnTheNetwork_isRefusedLikeAChosenOne() throws Exception {
    h.probe = ip -> ip.equals("10.1.10.61");
    h.restart();
    h.create("web-1", withIp("10.1.10.61", "default"));

    h.pass("web-1");

    assertRefused("web-1", "10.1.10.61 answers on the network");
  }

  @Test
  void explicitBroadcastAddressWrittenPastAdmission_isRefused() throws Exception {
    widePool();
    h.create("web-1", withIp("10.1.20.255", "wide"));

    h.pass("web-1");

    assertRefused("web-1", "10.1.20.255 is the broadcast address of 10.1.20.0/24");
  }

  @Test
  void explicitNetworkAddressWrittenPastAdmission_isRefused() throws Exception {
    widePool();
    h.create("web-1", withIp("10.1.20.0", "wide"));

    h.pass("web-1");

    assertRefused("web-1", "10.1.20.0 is the network address of 10.1.20.0/24");
  }

  @Test
  void chosenAddress_skipsNetworkGatewayAndReserved() throws Exception {
    widePool();
    h.create("web-1", withIp(null, "wide"));

    h.pass("web-1");

    assertThat(h.allocation("web-1").ip()).isEqualTo("10.1.20.3");
  }

  @Test
  void explicitAddressThatIsFree_isReservedAndUsed() throws Exception {
    h.create("web-1", withIp("10.1.10.77", "default"));

    h.converge("web-1");

    assertThat(h.allocation("web-1").ip()).isEqualTo("10.1.10.77");
    assertThat(h.proxmox.firewall(9001).ipsets())
        .containsEntry("ipfilter-net0", List.of("10.1.10.77"));
  }
}
