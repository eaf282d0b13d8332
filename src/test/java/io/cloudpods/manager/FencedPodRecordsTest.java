package io.cloudpods.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.proxmox.FencedException;
import io.cloudpods.replica.LeaseFixture;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.testsupport.InMemoryCloudPods;
import org.junit.jupiter.api.Test;

/**
 * A pass's writes to its pod's row are fenced like its Proxmox calls: made only with the database's
 * proof that this replica still holds the cluster's lease.
 */
class FencedPodRecordsTest {

  private static final ResourceKey KEY = ResourceKey.of("acme", "web-1");
  private static final String RUNNING = "Running";

  private final LeaseFixture leases = new LeaseFixture("default");
  private final InMemoryCloudPods rows = new InMemoryCloudPods();
  private final FencedPodRecords pods = new FencedPodRecords(rows, leases.lease());

  private static CloudPodSpec spec() {
    return new CloudPodSpec(
        1,
        1024,
        512,
        8,
        9000,
        "clients-main",
        "default",
        null,
        null,
        null,
        "Running",
        "full",
        false);
  }

  private static CloudPodStatus running() {
    return new CloudPodStatus(RUNNING, null, null, null, null, null, null, null, null, null);
  }

  @Test
  void theLeaseHolder_writesTheStatus_withOneProofInTheDatabase() {
    rows.put("acme", "web-1", spec());
    leases.take();

    assertThat(pods.updateStatus(KEY, running())).isTrue();

    assertThat(rows.status("acme", "web-1").phase()).isEqualTo(RUNNING);
    assertThat(leases.proofs()).isEqualTo(1);
  }

  @Test
  void aReplicaWokenAfterItsLeaseMovedOn_writesNoStatus() {
    rows.put("acme", "web-1", spec());
    leases.take();
    CloudPodStatus before = rows.status("acme", "web-1");
    leases.pausedWhileBTakesOver();

    assertThatThrownBy(() -> pods.updateStatus(KEY, running()))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("status write of CloudPod acme/web-1 not made")
        .hasMessageContaining("replica A does not hold the lease of cluster default");

    assertThat(rows.statusWrites()).isZero();
    assertThat(rows.status("acme", "web-1")).isEqualTo(before);
  }

  @Test
  void aReplicaWokenAfterItsLeaseMovedOn_doesNotRemoveADeletedPod() {
    rows.put("acme", "web-1", spec());
    rows.markDeleted("acme", "web-1");
    leases.take();
    leases.pausedWhileBTakesOver();

    assertThatThrownBy(() -> pods.finalizeDeletion(KEY))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("removal of deleted CloudPod acme/web-1 not made");

    assertThat(rows.exists("acme", "web-1")).isTrue();
  }

  @Test
  void theLeaseHolder_removesADeletedPod() {
    rows.put("acme", "web-1", spec());
    rows.markDeleted("acme", "web-1");
    leases.take();

    assertThat(pods.finalizeDeletion(KEY)).isTrue();

    assertThat(rows.exists("acme", "web-1")).isFalse();
  }

  @Test
  void aLeaseNeverTaken_permitsNoWrite_andAsksTheDatabaseNothing() {
    rows.put("acme", "web-1", spec());

    assertThatThrownBy(() -> pods.updateStatus(KEY, running())).isInstanceOf(FencedException.class);

    assertThat(rows.statusWrites()).isZero();
    assertThat(leases.proofs()).isZero();
  }

  @Test
  void readsAreNotFenced() {
    rows.put("acme", "web-1", spec());

    assertThat(pods.get(KEY)).isPresent();
  }
}
