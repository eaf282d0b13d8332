package io.cloudpods.proxmox.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.http.ProxmoxClientSettingsTest.Config;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxmoxClientProducerTest {

  @Test
  void proxmoxClient_validConfig_buildsHttpClientWithNormalisedSettings() {
    Config config =
        new Config(
            "https://pve.example:8006",
            Optional.of("ctl@pve!controller"),
            Optional.of(ProxmoxClientSettingsTest.SECRET),
            true,
            Optional.empty(),
            Optional.of(ProxmoxClientSettingsTest.FP.toLowerCase()));
    ProxmoxClientProducer producer = new ProxmoxClientProducer();

    ProxmoxClient client = producer.proxmoxClient(config);

    assertThat(client).isInstanceOf(HttpProxmoxClient.class);
    ProxmoxClientSettings s = ((HttpProxmoxClient) client).settings();
    assertThat(s.baseUrl().toString()).isEqualTo("https://pve.example:8006/api2/json");
    assertThat(s.fingerprint()).contains(ProxmoxClientSettingsTest.FP);
    producer.close(client);
  }

  @Test
  void proxmoxClient_secretMissing_failsNamingProperty() {
    Config config =
        new Config(
            "https://pve.example:8006",
            Optional.of("ctl@pve!controller"),
            Optional.empty(),
            true,
            Optional.empty(),
            Optional.empty());

    assertThatThrownBy(() -> new ProxmoxClientProducer().proxmoxClient(config))
        .isInstanceOf(InvalidProxmoxSettingsException.class)
        .hasMessageStartingWith("cloudpods.proxmox.token-secret");
  }
}
