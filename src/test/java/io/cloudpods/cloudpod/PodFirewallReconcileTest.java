package io.cloudpods.cloudpod;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.testsupport.FakeProxmoxClient;
import io.cloudpods.testsupport.FakeProxmoxClient.Mutation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Network isolation, pass by pass, on the fake Proxmox: set before start, kept, put back. */
class PodFirewallReconcileTest {

  private final PodHarness h = new PodHarness();

  private List<String> mutations() {
    return h.proxmox.mutations().stream().map(Mutation::method).toList();
  }

  private void assertIsolated(int vmid, String ip) {
    FakeProxmoxClient.FirewallState fw = h.proxmox.firewall(vmid);
    assertThat(fw.options()).containsEntry("enable", "1").containsEntry("ipfilter", "1");
    assertThat(fw.ipsets()).containsExactlyEntriesOf(Map.of("ipfilter-net0", List.of(ip)));
    assertThat(h.proxmox.config(vmid).get("net0")).contains(",firewall=1,");
  }

  /** The next pass reads the container in full, as the deep verify does. */
  private void deepVerifyDue() {
    h.clock.advance(Duration.ofMinutes(11));
    h.cluster.refresh();
  }

  @Test
  void newPod_firewallIsSetBeforeTheContainerFirstStarts() throws Exception {
    h.create("web-1");

    h.converge("web-1");

    List<String> m = mutations();
    assertThat(m.indexOf("start"))
        .isGreaterThan(m.indexOf("updateFirewallOptions"))
        .isGreaterThan(m.indexOf("addIpSetEntry"))
        .isGreaterThan(m.indexOf("updateConfig"));
    assertIsolated(9001, "10.1.10.50");
    List<String> reasons = h.events.reasons();
    assertThat(reasons.lastIndexOf("UpdatingFirewall")).isLessThan(reasons.indexOf("Starting"));
    assertThat(h.reason("web-1", "Ready")).isEqualTo(CloudPodConditions.CONVERGED);
  }

  @Test
  void convergedPod_firewallDisabledAndNeighbourAddedByHand_isPutBackLiveWithEvents()
      throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.proxmox.setFirewallOptionByHand(9001, "enable", "0");
    h.proxmox.addIpSetEntryByHand(9001, "ipfilter-net0", "10.1.10.51");
    h.proxmox.clearJournal();
    int before = h.events.reasons().size();
    deepVerifyDue();

    h.converge("web-1");

    assertIsolated(9001, "10.1.10.50");
    assertThat(mutations()).containsExactly("removeIpSetEntry", "updateFirewallOptions");
    assertThat(h.proxmox.guest(9001).orElseThrow().status()).isEqualTo(PowerState.RUNNING);
    assertThat(h.events.reasons().subList(before, h.events.reasons().size()))
        .containsExactly(
            "UpdatingFirewall", "FirewallUpdated", "UpdatingFirewall", "FirewallUpdated");
    assertThat(h.events.events().stream().map(io.cloudpods.api.v1alpha1.Event::message).toList())
        .contains("ipset ipfilter-net0: remove 10.1.10.51", "firewall options enable=1");
  }

  @Test
  void podCreatedBeforeIsolation_getsItOnItsNextPassWithoutARestart() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    // what a container made by an earlier release looks like: no firewall at all
    String net0 = h.proxmox.config(9001).get("net0");
    h.proxmox.editConfig(9001, "net0", net0.replace(",firewall=1", ",tag=20"));
    h.proxmox.deleteFirewallByHand(9001);
    h.proxmox.clearJournal();
    h.restart(); // the new release starts with nothing cached

    h.converge("web-1");

    assertIsolated(9001, "10.1.10.50");
    assertThat(h.proxmox.config(9001).get("net0")).contains(",tag=20,");
    assertThat(mutations())
        .containsExactly("updateConfig", "createIpSet", "addIpSetEntry", "updateFirewallOptions");
    assertThat(h.proxmox.guest(9001).orElseThrow().status()).isEqualTo(PowerState.RUNNING);
  }

  @Test
  void containerWithoutOurMarkerAtThePodsVmid_itsFirewallIsNeitherReadNorWritten()
      throws Exception {
    h.proxmox.addForeignContainer("pve", 9005, Map.of("hostname", "customer-db", "cores", "4"));
    h.create("web-1", PodHarness.spec().withIpAndVmid(null, 9005));
    h.cluster.refresh();
    h.proxmox.clearJournal();

    h.converge("web-1");

    assertThat(h.reason("web-1", "Provisioned")).isEqualTo(CloudPodConditions.VMID_CONFLICT);
    assertThat(h.proxmox.calls("firewallOptions")).isZero();
    assertThat(h.proxmox.calls("ipSetEntries")).isZero();
    assertThat(h.proxmox.mutations()).isEmpty();
    assertThat(h.proxmox.firewall(9005).options()).isEmpty();
  }

  @Test
  void convergedPod_steadyResync_readsNoFirewall() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.pass("web-1");
    int reads = h.proxmox.calls("firewallOptions");

    h.pass("web-1");

    assertThat(h.proxmox.calls("firewallOptions")).isEqualTo(reads);
  }
}
