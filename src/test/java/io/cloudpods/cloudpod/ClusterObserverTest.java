package io.cloudpods.cloudpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.proxmox.ProxmoxUnavailableException;
import io.cloudpods.testsupport.FakeProxmoxClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cluster snapshot the steps share, on the fake client. */
class ClusterObserverTest {

  private final PodHarness h = new PodHarness();

  @Test
  void refresh_readsForeignAddresses_andSkipsOurOwnContainers() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.proxmox.addForeignContainer(
        "pve", 120, true, Map.of("net0", "name=eth0,bridge=vmbr0,ip=10.1.10.30/24,gw=10.1.10.1"));
    h.proxmox.clearJournal();

    h.cluster.refresh();

    assertThat(h.cluster.foreignAddresses()).containsExactly(Map.entry("10.1.10.30", 120));
    assertThat(h.cluster.current().guests()).containsKeys(9000, 120, 9001);
    assertThat(h.proxmox.calls("clusterResources")).isEqualTo(1);
  }

  @Test
  void ownerFoundUnstoredBetweenResyncs_staysSoUntilAResyncThatStartedLaterSaysOtherwise()
      throws Exception {
    h.create("web-1");
    h.converge("web-1");
    String uid = h.pods.pod(PodHarness.TENANT, "web-1").metadata().uid();
    Instant resyncStarted = h.clock.instant();
    h.clock.advance(Duration.ofSeconds(1));

    h.cluster.foundUnstored(Set.of(uid));

    assertThat(h.cluster.foreignAddresses()).containsEntry("10.1.10.50", 9001);
    // a resync that started before could not have seen it: the orphan stays
    h.cluster.unstoredOwners(Set.of(), resyncStarted);
    assertThat(h.cluster.foreignAddresses()).containsEntry("10.1.10.50", 9001);
    // one that started later and found the pod stored: counted as ours again
    h.clock.advance(Duration.ofSeconds(1));
    h.cluster.unstoredOwners(Set.of(), h.clock.instant());
    assertThat(h.cluster.foreignAddresses()).doesNotContainKey("10.1.10.50");
  }

  @Test
  void refresh_unreachableProxmox_isRememberedAndRethrown() {
    h.proxmox.failNext("clusterResources", FakeProxmoxClient.unavailable());

    assertThatThrownBy(h.cluster::refresh).isInstanceOf(ProxmoxUnavailableException.class);
    assertThat(h.cluster.reachable()).isFalse();
    h.cluster.refresh();
    assertThat(h.cluster.reachable()).isTrue();
  }
}
