package io.cloudpods.cloudpod.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.cloudpod.plan.Action;
import io.cloudpods.proxmox.CreateContainerRequest;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one create call a restore action makes. */
class RestoreRequestTest {

  private static final String VOLID =
      "vzdump-backups:backup/vzdump-lxc-9001-2026_12_01-10_00_00.tar.zst";

  @Test
  void restoreAsNewPod_sendsRestoreUniqueStorageAndTheGivenConfig() {
    CreateContainerRequest req =
        ActionExecutor.restoreRequest(
            new Action.RestoreContainer(
                "pve",
                9002,
                VOLID,
                "clients-main",
                Optional.of("ClientPods"),
                Map.of("hostname", "web-2", "tags", "cloudpods;cp-u"),
                false,
                true));

    assertThat(req.vmid()).isEqualTo(9002);
    assertThat(req.ostemplate()).isEqualTo(VOLID);
    assertThat(req.params())
        .containsEntry("restore", "1")
        .containsEntry("unique", "1")
        .containsEntry("storage", "clients-main")
        .containsEntry("pool", "ClientPods")
        .containsEntry("hostname", "web-2")
        .containsEntry("tags", "cloudpods;cp-u")
        .doesNotContainKey("force");
  }

  @Test
  void restoreInPlace_sendsForceAndNoUniqueOrPool() {
    CreateContainerRequest req =
        ActionExecutor.restoreRequest(
            new Action.RestoreContainer(
                "pve-02", 9001, VOLID, "clients-main", Optional.empty(), Map.of(), true, false));

    assertThat(req.params())
        .containsEntry("restore", "1")
        .containsEntry("force", "1")
        .containsEntry("storage", "clients-main")
        .doesNotContainKeys("unique", "pool");
  }
}
