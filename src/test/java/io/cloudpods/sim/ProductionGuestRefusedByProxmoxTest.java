package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.ProxmoxPermissionException;
import io.cloudpods.proxmox.http.HttpProxmoxClient;
import io.cloudpods.proxmox.http.ProxmoxClientSettings;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With exactly the token {@code config/proxmox-token-setup.sh} makes, Proxmox itself (not only the
 * controller's tag check) refuses every change to a MigraTeck_Production guest, and does not even
 * show those guests.
 */
class ProductionGuestRefusedByProxmoxTest {
  private static ProxmoxSimulator sim;
  private static HttpProxmoxClient client;

  @BeforeAll
  static void start() {
    sim =
        ProxmoxSimulator.start(
            SimTestSupport.fast().token("root@pam!setup", "root-secret").build());
    SetupScript.Token t =
        SetupScript.apply(sim.baseUrl(), "PVEAPIToken=root@pam!setup=root-secret");
    client = new HttpProxmoxClient(ProxmoxClientSettings.of(sim.baseUrl(), t.id(), t.secret()));
  }

  @AfterAll
  static void stop() {
    client.close();
    sim.close();
  }

  @Test
  void stoppingAProductionGuest_isRefusedWithProxmoxText() {
    assertThatThrownBy(() -> client.stop("pve", 101))
        .isInstanceOf(ProxmoxPermissionException.class)
        .hasMessageContaining("Permission check failed (/vms/101, VM.PowerMgmt)");
    assertThat(sim.guest(101).orElseThrow().get("status")).isEqualTo("running");
  }

  @Test
  void changingAProductionGuestsConfig_isRefusedWithProxmoxText() {
    assertThatThrownBy(
            () -> client.updateConfig("pve", 102, ConfigUpdate.set(Map.of("cores", "16"))))
        .isInstanceOf(ProxmoxPermissionException.class)
        .hasMessageContaining(
            "Permission check failed (/vms/102, VM.Config.Disk|VM.Config.CPU|VM.Config.Memory"
                + "|VM.Config.Network|VM.Config.Options)");
    @SuppressWarnings("unchecked")
    Map<String, Object> config = (Map<String, Object>) sim.guest(102).orElseThrow().get("config");
    assertThat(config.get("cores")).hasToString("2");
  }

  @Test
  void deletingAProductionGuest_isRefusedWithProxmoxText() {
    assertThatThrownBy(() -> client.delete("pve", 103, DeleteOptions.DEFAULT))
        .isInstanceOf(ProxmoxPermissionException.class)
        .hasMessageContaining("Permission check failed (/vms/103, VM.Allocate)");
    assertThat(sim.vmids()).contains(103);
  }

  @Test
  void readingAProductionGuestsConfig_isRefusedWithProxmoxText() {
    assertThatThrownBy(() -> client.getConfig("pve", 101))
        .isInstanceOf(ProxmoxPermissionException.class)
        .hasMessageContaining("Permission check failed (/vms/101, VM.Audit)");
  }

  @Test
  void productionGuests_areNotListed_whileTheClientPoolTemplateIs() {
    assertThat(client.clusterResources())
        .filteredOn(r -> r instanceof ClusterResource.Guest)
        .extracting(r -> ((ClusterResource.Guest) r).vmid())
        .containsExactly(9000);
  }
}
