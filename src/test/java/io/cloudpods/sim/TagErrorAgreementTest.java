package io.cloudpods.sim;

import static io.cloudpods.testsupport.FakeProxmoxClient.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxParameterException;
import io.cloudpods.proxmox.http.HttpProxmoxClient;
import io.cloudpods.proxmox.http.ProxmoxClientSettings;
import io.cloudpods.testsupport.FakeProxmoxClient;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bad tag gets the same error from the simulator (through the controller's HTTP client) and from
 * {@link FakeProxmoxClient}: pve-common's {@code pve_verify_tag} text behind {@code check_prop}'s
 * {@code invalid format - } prefix.
 */
class TagErrorAgreementTest {
  private static final String NODE = "pve";
  private static final int TEMPLATE = 9000;

  static ProxmoxSimulator sim;
  static HttpProxmoxClient http;
  static FakeProxmoxClient fake;

  @BeforeAll
  static void start() {
    sim = SimTestSupport.start();
    http =
        new HttpProxmoxClient(
            ProxmoxClientSettings.of(
                sim.baseUrl(), SimTestSupport.TOKEN_ID, SimTestSupport.SECRET));
    fake =
        new FakeProxmoxClient(Clock.systemUTC(), SimTestSupport.TOKEN_ID)
            .addNode(NODE, 128 * GIB)
            .addStorage(NODE, "clients-main", 2048 * GIB)
            .addTemplate(NODE, TEMPLATE, "cloudpod-template", "clients-main", 8);
  }

  @AfterAll
  static void stop() {
    http.close();
    sim.close();
  }

  private static String tagError(ProxmoxClient client, String tags) {
    ProxmoxParameterException e =
        catchThrowableOfType(
            () -> client.updateConfig(NODE, TEMPLATE, ConfigUpdate.set(Map.of("tags", tags))),
            ProxmoxParameterException.class);
    assertThat(e).as(client + " with tags '" + tags + "'").isNotNull();
    assertThat(e.httpStatus()).isEqualTo(400);
    return e.errors().get("tags");
  }

  @ParameterizedTest
  @ValueSource(strings = {"web;bad!", "-leading", "ok,sp@ce", "é"})
  void badTag_simulatorAndFake_giveProxmoxsText(String tags) {
    // on the wire, with the newline of Perl's die
    SimClient.Reply wire = new SimClient(sim).put("/nodes/pve/lxc/9000/config", "tags", tags);
    assertThat(wire.code()).isEqualTo(400);
    assertThat(wire.json().get("errors").get("tags").asText())
        .isEqualTo("invalid format - invalid characters in tag\n");
    // as the controller sees it: the client strips the trailing newline
    String fromSimulator = tagError(http, tags);
    assertThat(fromSimulator).isEqualTo("invalid format - invalid characters in tag");
    assertThat(tagError(fake, tags)).isEqualTo(fromSimulator);
  }
}
